import {
  BusNameStamp,
  DelayStamp,
  Envelope,
  InvalidArgumentError,
  LogicError,
  MessageDecodingFailedStamp,
  ReceivedStamp,
  TransportMessageIdStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryTransport } from "../src/index.js";
import { OrderPlaced, SendEmail } from "./support/messages.js";
import { TestSerializer } from "./support/test-serializer.js";

const idOf = (envelope: Envelope | undefined) => envelope?.last(TransportMessageIdStamp)?.id;
const messagesOf = (envelopes: readonly Envelope[]) => envelopes.map((e) => e.message);

describe("InMemoryTransport", () => {
  let clock: FakeClock;
  let transport: InMemoryTransport;

  beforeEach(() => {
    clock = new FakeClock();
    transport = new InMemoryTransport({ clock });
  });

  it("gives every sent envelope an incrementing id and delivers it", async () => {
    const first = await transport.send(Envelope.wrap(new SendEmail("a@example.com")));
    const second = await transport.send(Envelope.wrap(new SendEmail("b@example.com")));
    expect([idOf(first), idOf(second)]).toEqual([1, 2]);
    const received = await transport.get();
    expect(received.map(idOf)).toEqual([1, 2]);
    expect(messagesOf(received)).toEqual([new SendEmail("a@example.com"), new SendEmail("b@example.com")]);
  });

  it("claims what get() returns: a second get(), even a concurrent one, does not return it again", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a@example.com")));
    const [one, two] = await Promise.all([transport.get(), transport.get()]);
    expect([...one!, ...two!]).toHaveLength(1);
    expect(await transport.get()).toEqual([]);
    await transport.send(Envelope.wrap(new SendEmail("b@example.com")));
    expect(messagesOf(await transport.get())).toEqual([new SendEmail("b@example.com")]);
  });

  it("get(limit) claims only that many and leaves the rest available", async () => {
    for (const to of ["a", "b", "c"]) await transport.send(Envelope.wrap(new SendEmail(to)));
    expect((await transport.get(2)).map(idOf)).toEqual([1, 2]);
    expect(await transport.getMessageCount()).toBe(1);
    expect((await transport.get(2)).map(idOf)).toEqual([3]);
    await expect(transport.get(-1)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("holds a delayed message until the clock reaches its delay, to the millisecond", async () => {
    await transport.send(Envelope.wrap(new SendEmail("later"), [new DelayStamp(1_500)]));
    await transport.send(Envelope.wrap(new SendEmail("now")));
    expect(messagesOf(await transport.get())).toEqual([new SendEmail("now")]);
    await clock.advance(1_499);
    expect(await transport.get()).toEqual([]);
    expect(await transport.getMessageCount()).toBe(0);
    await clock.advance(1);
    expect(await transport.getMessageCount()).toBe(1);
    expect(messagesOf(await transport.get())).toEqual([new SendEmail("later")]);
  });

  it("returns due messages earliest due first, then in send order", async () => {
    await transport.send(Envelope.wrap(new SendEmail("due at 200"), [new DelayStamp(200)]));
    await transport.send(Envelope.wrap(new SendEmail("due at 100"), [new DelayStamp(100)]));
    await transport.send(Envelope.wrap(new SendEmail("due at 100 too"), [new DelayStamp(100)]));
    await clock.advance(200);
    expect(messagesOf(await transport.get()).map((m) => (m as SendEmail).to)).toEqual([
      "due at 100",
      "due at 100 too",
      "due at 200",
    ]);
  });

  it("ack and reject remove the message and record the envelope as passed", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.send(Envelope.wrap(new SendEmail("b")));
    const [a, b] = await transport.get();
    await transport.ack(a!.with(new ReceivedStamp("async")));
    await transport.reject(b!);
    expect(await transport.all()).toEqual([]);
    expect(transport.getAcknowledged().map((e) => e.last(ReceivedStamp)?.transportName)).toEqual(["async"]);
    expect(messagesOf(transport.getRejected())).toEqual([new SendEmail("b")]);
    expect(messagesOf(transport.getSent())).toEqual([new SendEmail("a"), new SendEmail("b")]);
  });

  it("refuses to ack or reject an envelope without a transport message id, saying what to pass", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const error = await transport.ack(Envelope.wrap(new SendEmail("a"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogicError);
    expect(error).toMatchObject({ code: "MISSING_TRANSPORT_MESSAGE_ID", message: /TransportMessageIdStamp/ });
    await expect(transport.reject(Envelope.wrap(new SendEmail("a")))).rejects.toMatchObject({
      code: "MISSING_TRANSPORT_MESSAGE_ID",
    });
    expect(await transport.getMessageCount()).toBe(1);
  });

  it("refuses a second ack of the same message instead of silently accepting it", async () => {
    const sent = await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.ack(sent);
    await expect(transport.ack(sent)).rejects.toMatchObject({ code: "UNKNOWN_TRANSPORT_MESSAGE_ID" });
    expect(transport.getAcknowledged()).toHaveLength(1);
  });

  it("lists every stored message (claimed and delayed too) without claiming, and finds by id", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.send(Envelope.wrap(new SendEmail("b"), [new DelayStamp(60_000)]));
    await transport.send(Envelope.wrap(new SendEmail("c")));
    await transport.get(1);
    expect((await transport.all()).map(idOf)).toEqual([1, 2, 3]);
    expect((await transport.all(2)).map(idOf)).toEqual([1, 2]);
    expect((await transport.find(2))?.message).toEqual(new SendEmail("b"));
    expect((await transport.find("3"))?.message).toEqual(new SendEmail("c"));
    expect(await transport.find(99)).toBeUndefined();
    expect((await transport.get()).map(idOf)).toEqual([3]);
  });

  it("sendMany stores all envelopes in order with their own ids", async () => {
    const sent = await transport.sendMany([
      Envelope.wrap(new SendEmail("a")),
      Envelope.wrap(new OrderPlaced(7)),
    ]);
    expect(sent.map(idOf)).toEqual([1, 2]);
    expect(messagesOf(await transport.get())).toEqual([new SendEmail("a"), new OrderPlaced(7)]);
  });

  it("reset forgets everything, and ids are not reused afterwards", async () => {
    const stale = await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.send(Envelope.wrap(new SendEmail("b")));
    await transport.ack((await transport.get(1))[0]!);
    await transport.reject((await transport.get(1))[0]!);
    await transport.send(Envelope.wrap(new SendEmail("c")));
    await transport.get();
    transport.reset();
    expect([transport.getSent(), transport.getAcknowledged(), transport.getRejected()]).toEqual([[], [], []]);
    expect(await transport.all()).toEqual([]);
    const fresh = await transport.send(Envelope.wrap(new SendEmail("d")));
    expect(idOf(fresh)).toBe(4);
    // The stale envelope's id no longer names anything, so it cannot ack the new message.
    await expect(transport.ack(stale)).rejects.toMatchObject({ code: "UNKNOWN_TRANSPORT_MESSAGE_ID" });
    expect(await transport.getMessageCount()).toBe(1);
  });

  it("accepts keepalive, setup and close as no-ops that keep the messages", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const [claimed] = await transport.get();
    await transport.keepalive(claimed!, 30);
    await transport.setup();
    await transport.close();
    expect(await transport.get()).toEqual([]);
    expect(await transport.all()).toHaveLength(1);
    await transport.ack(claimed!);
  });

  it("uses the system clock when none is given", async () => {
    const real = new InMemoryTransport();
    await real.send(Envelope.wrap(new SendEmail("a"), [new DelayStamp(60_000)]));
    await real.send(Envelope.wrap(new SendEmail("b")));
    expect(messagesOf(await real.get())).toEqual([new SendEmail("b")]);
  });
});

describe("InMemoryTransport with serialize: true", () => {
  let clock: FakeClock;
  let serializer: TestSerializer;
  let transport: InMemoryTransport;

  beforeEach(() => {
    clock = new FakeClock();
    serializer = new TestSerializer();
    transport = new InMemoryTransport({ serialize: true, serializer, clock });
  });

  it("needs a serializer", () => {
    expect(() => new InMemoryTransport({ serialize: true })).toThrow(/needs a serializer/);
    expect(new InMemoryTransport({ serializer }).serializes).toBe(false);
    expect(transport.serializes).toBe(true);
  });

  it("encodes on send and hands out decoded copies, with class, fields and stamps restored", async () => {
    const original = new SendEmail("a@example.com", "welcome");
    await transport.send(Envelope.wrap(original, [new BusNameStamp("command.bus"), new ReceivedStamp("x")]));
    expect(serializer.encodeCalls).toBe(1);
    const [received] = await transport.get();
    expect(received!.message).toBeInstanceOf(SendEmail);
    expect(received!.message).toEqual(original);
    expect(received!.message).not.toBe(original);
    expect(received!.last(BusNameStamp)?.busName).toBe("command.bus");
    expect(idOf(received)).toBe(1);
    // Process-local stamps do not survive a real transport, so they do not survive this one.
    expect(received!.has(ReceivedStamp)).toBe(false);
    expect(transport.getSent()[0]!.message).not.toBe(received!.message);
  });

  it("fails the send when the message cannot be encoded, storing nothing", async () => {
    serializer.failEncodingOf = (message) => message instanceof OrderPlaced;
    await expect(transport.send(Envelope.wrap(new OrderPlaced(1)))).rejects.toThrow(/cannot encode/);
    const batch = [Envelope.wrap(new SendEmail("a")), Envelope.wrap(new OrderPlaced(2))];
    await expect(transport.sendMany(batch)).rejects.toThrow(/cannot encode/);
    expect(transport.getSent()).toEqual([]);
    expect(await transport.get()).toEqual([]);
  });

  it("injectEncoded stores a raw message that get() decodes and gives an id", async () => {
    const id = transport.injectEncoded({
      body: JSON.stringify({ orderId: 42 }),
      headers: { type: "memory_test.order_placed" },
    });
    const [received] = await transport.get();
    expect(received!.message).toEqual(new OrderPlaced(42));
    expect(idOf(received)).toBe(id);
    expect(transport.getSent()).toEqual([]);
    await transport.ack(received!);
  });

  it("hands out a message that does not decode as an UndecodableMessage, from get, all and find", async () => {
    const id = transport.injectEncoded({ body: "{not json", headers: { type: "memory_test.order_placed" } });
    await transport.send(Envelope.wrap(new OrderPlaced(1)));
    const [broken, fine] = await transport.get();
    expect(broken!.message).toBeInstanceOf(UndecodableMessage);
    expect(broken!.message).toMatchObject({ body: "{not json", reason: expect.stringMatching(/not JSON/) });
    expect(broken!.has(MessageDecodingFailedStamp)).toBe(true);
    expect(idOf(broken)).toBe(id);
    expect(fine!.message).toEqual(new OrderPlaced(1));
    expect((await transport.all()).map((e) => e.message.constructor)).toEqual([
      UndecodableMessage,
      OrderPlaced,
    ]);
    expect((await transport.find(id))?.message).toBeInstanceOf(UndecodableMessage);
    await transport.reject(broken!);
    expect(await transport.all()).toHaveLength(1);
  });

  it("injectEncoded is refused without serialize, where nothing could decode it", () => {
    const plain = new InMemoryTransport({ serializer });
    expect(() => plain.injectEncoded({ body: "{}", headers: { type: "memory_test.order_placed" } })).toThrow(
      LogicError,
    );
  });
});
