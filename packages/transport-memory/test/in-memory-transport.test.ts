import {
  BusNameStamp,
  DelayStamp,
  Envelope,
  InvalidArgumentError,
  LogicError,
  MessageDecodingFailedStamp,
  ReceivedStamp,
  systemClock,
  TransportMessageIdStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { DEFAULT_DELIVERY_LIMIT } from "@messenger-ts/core/transport";
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

  it("accepts setup and close as no-ops that keep the messages and their claims", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const [claimed] = await transport.get();
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

describe("InMemoryTransport redelivery", () => {
  let clock: FakeClock;
  let transport: InMemoryTransport;

  beforeEach(() => {
    clock = new FakeClock();
    transport = new InMemoryTransport({ clock, redeliveryTimeout: 10_000 });
  });

  it("states its redelivery timeout in milliseconds, 30 s by default, for the worker's keepalive", () => {
    expect(new InMemoryTransport().redeliveryTimeout).toBe(30_000);
    expect(transport.redeliveryTimeout).toBe(10_000);
  });

  it("delivers a claimed message again once the timeout passes, with the same id and stored envelope", async () => {
    const sent = await transport.send(Envelope.wrap(new SendEmail("a")));
    const [first] = await transport.get();
    await clock.advance(9_999);
    expect(await transport.get(), "the claim holds until the timeout").toEqual([]);
    await clock.advance(1);
    const [again, ...more] = await transport.get();
    expect(more).toEqual([]);
    expect(idOf(again)).toBe(idOf(sent));
    // Plain mode stores the envelope itself: the redelivered one is that very object.
    expect(again).toBe(first);
    expect(again!.message).toEqual(new SendEmail("a"));
  });

  it("claims a redelivered message afresh for a whole timeout", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.get();
    await clock.advance(10_000);
    expect(await transport.get()).toHaveLength(1);
    await clock.advance(9_999);
    expect(await transport.get()).toEqual([]);
    await clock.advance(1);
    expect(await transport.get()).toHaveLength(1);
  });

  it("hands out a redelivered message before newer ones, since it was due first", async () => {
    await transport.send(Envelope.wrap(new SendEmail("abandoned")));
    await transport.get();
    await clock.advance(5_000);
    await transport.send(Envelope.wrap(new SendEmail("newer")));
    await clock.advance(5_000);
    expect(messagesOf(await transport.get())).toEqual([new SendEmail("abandoned"), new SendEmail("newer")]);
  });

  it("counts a message whose claim expired as waiting, and a claimed one not", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.send(Envelope.wrap(new SendEmail("b")));
    await transport.get(1);
    expect(await transport.getMessageCount()).toBe(1);
    await clock.advance(9_999);
    expect(await transport.getMessageCount()).toBe(1);
    await clock.advance(1);
    expect(await transport.getMessageCount()).toBe(2);
    await transport.get();
    expect(await transport.getMessageCount()).toBe(0);
  });

  it("keepalive pushes the claim to a full timeout from now", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const [claimed] = await transport.get();
    await clock.advance(8_000);
    await transport.keepalive(claimed!);
    await clock.advance(9_999);
    expect(await transport.get(), "kept alive at 8 s, the claim holds until 18 s").toEqual([]);
    expect(await transport.getMessageCount()).toBe(0);
    await clock.advance(1);
    expect((await transport.get()).map(idOf)).toEqual([idOf(claimed)]);
  });

  it("keepalive with seconds claims the message for that long from now", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const [claimed] = await transport.get();
    await transport.keepalive(claimed!, 30);
    await clock.advance(29_999);
    expect(await transport.get()).toEqual([]);
    await clock.advance(1);
    expect(await transport.get()).toHaveLength(1);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses keepalive for %s seconds",
    async (seconds) => {
      await transport.send(Envelope.wrap(new SendEmail("a")));
      const [claimed] = await transport.get();
      await expect(transport.keepalive(claimed!, seconds)).rejects.toThrow(
        new RegExp(`seconds must be a number > 0, got ${String(seconds)}`),
      );
    },
  );

  it("keepalive renews an expired claim nobody took again, and leaves unclaimed or removed messages alone", async () => {
    const sent = await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.keepalive(sent);
    expect(await transport.getMessageCount(), "a message never claimed stays available").toBe(1);
    const [claimed] = await transport.get();
    await clock.advance(12_000);
    await transport.keepalive(claimed!);
    expect(await transport.get(), "the late keepalive took the claim back").toEqual([]);
    await transport.ack(claimed!);
    await expect(transport.keepalive(claimed!), "a keepalive racing an ack is no error").resolves.toBe(
      undefined,
    );
    await expect(transport.keepalive(Envelope.wrap(new SendEmail("a")))).rejects.toMatchObject({
      code: "MISSING_TRANSPORT_MESSAGE_ID",
    });
  });

  it("lets a consumer whose claim expired ack by id after another took the message (at least once)", async () => {
    await transport.send(Envelope.wrap(new SendEmail("slow")));
    await transport.send(Envelope.wrap(new SendEmail("other")));
    const [slow] = await transport.get(1);
    await clock.advance(10_000);
    const [redelivered] = await transport.get(1);
    expect(idOf(redelivered)).toBe(idOf(slow));
    await transport.ack(slow!);
    expect(messagesOf(await transport.all())).toEqual([new SendEmail("other")]);
    // The second consumer's ack then finds nothing, like any second ack.
    await expect(transport.ack(redelivered!)).rejects.toMatchObject({ code: "UNKNOWN_TRANSPORT_MESSAGE_ID" });
    // Reject works by id the same way.
    const [other] = await transport.get(1);
    await clock.advance(10_000);
    await transport.get(1);
    await transport.reject(other!);
    expect(await transport.all()).toEqual([]);
    expect(transport.getAcknowledged()).toHaveLength(1);
    expect(transport.getRejected()).toHaveLength(1);
  });

  it("redelivers a fresh decoded copy of the stored envelope in serialize mode", async () => {
    const serializer = new TestSerializer();
    const serializing = new InMemoryTransport({
      serialize: true,
      serializer,
      clock,
      redeliveryTimeout: 1_000,
    });
    await serializing.send(Envelope.wrap(new SendEmail("a"), [new BusNameStamp("command.bus")]));
    const [first] = await serializing.get();
    await clock.advance(1_000);
    const [again] = await serializing.get();
    expect(again).not.toBe(first);
    expect(again!.message).toEqual(first!.message);
    expect(again!.last(BusNameStamp)?.busName).toBe("command.bus");
    expect(idOf(again)).toBe(idOf(first));
    expect(serializer.encodeCalls).toBe(1);
  });

  it("expires claims by the system clock when none is given", async () => {
    const real = new InMemoryTransport({ redeliveryTimeout: 20 });
    await real.send(Envelope.wrap(new SendEmail("a")));
    expect(await real.get()).toHaveLength(1);
    expect(await real.get()).toEqual([]);
    await systemClock.sleep(40);
    expect(await real.get()).toHaveLength(1);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, "1000", null])(
    "refuses a redeliveryTimeout of %s, naming the value",
    (timeout) => {
      const build = () => new InMemoryTransport({ redeliveryTimeout: timeout as number });
      expect(build).toThrow(InvalidArgumentError);
      const shown = typeof timeout === "string" ? `"${timeout}"` : String(timeout);
      expect(build).toThrow(`redeliveryTimeout must be a whole number of milliseconds > 0, got ${shown}.`);
    },
  );

  it("allows DEFAULT_DELIVERY_LIMIT deliveries by default", () => {
    expect(new InMemoryTransport().deliveryLimit).toBe(DEFAULT_DELIVERY_LIMIT);
  });

  it.each([0, -1, 1.5, Number.NaN, null])("refuses a deliveryLimit of %s, naming the value", (limit) => {
    const build = () => new InMemoryTransport({ deliveryLimit: limit as number });
    expect(build).toThrow(InvalidArgumentError);
    expect(build).toThrow(
      `Invalid value ${String(limit)} for option "deliveryLimit" of InMemoryTransport: expected a whole number from 1 to`,
    );
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

  it("serializes with a JsonSerializer unless given one", () => {
    expect(new InMemoryTransport({ serialize: true }).serializes).toBe(true);
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
