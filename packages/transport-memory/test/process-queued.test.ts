import {
  ConsumedByWorkerStamp,
  DelayStamp,
  Envelope,
  HandledStamp,
  HandlerFailedError,
  InvalidArgumentError,
  ReceivedStamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryTransport, processQueued } from "../src/index.js";
import { HandlerBus } from "./support/handler-bus.js";
import { OrderPlaced, SendEmail } from "./support/messages.js";

describe("processQueued", () => {
  let clock: FakeClock;
  let transport: InMemoryTransport;

  beforeEach(() => {
    clock = new FakeClock();
    transport = new InMemoryTransport({ clock });
  });

  it("dispatches each due message as a worker would, acks it and returns the count", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    await transport.send(Envelope.wrap(new SendEmail("b")));
    const bus = new HandlerBus((envelope) => envelope.with(new HandledStamp("ok", "handler")));
    expect(await processQueued(transport, bus, { transportName: "async" })).toBe(2);
    expect(bus.dispatched.map((e) => e.message)).toEqual([new SendEmail("a"), new SendEmail("b")]);
    for (const envelope of bus.dispatched) {
      expect(envelope.last(ReceivedStamp)?.transportName).toBe("async");
      expect(envelope.has(ConsumedByWorkerStamp)).toBe(true);
      expect(envelope.has(TransportMessageIdStamp)).toBe(true);
    }
    // The acked envelopes are what the bus returned, so a test can read the handlers' results.
    expect(transport.getAcknowledged().map((e) => e.last(HandledStamp)?.result)).toEqual(["ok", "ok"]);
    expect(await transport.all()).toEqual([]);
  });

  it("names the transport in-memory by default", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const bus = new HandlerBus(() => undefined);
    await processQueued(transport, bus);
    expect(bus.dispatched[0]!.last(ReceivedStamp)?.transportName).toBe("in-memory");
  });

  it("also handles messages sent while handling, up to the limit", async () => {
    await transport.send(Envelope.wrap(new OrderPlaced(1)));
    const bus = new HandlerBus(async (envelope) => {
      const message = envelope.message as OrderPlaced;
      await transport.send(Envelope.wrap(new OrderPlaced(message.orderId + 1)));
      return undefined;
    });
    expect(await processQueued(transport, bus, { limit: 3 })).toBe(3);
    expect(bus.dispatched.map((e) => (e.message as OrderPlaced).orderId)).toEqual([1, 2, 3]);
    // Beyond the limit the next message waits, unclaimed, for the next call.
    expect(await transport.getMessageCount()).toBe(1);
    expect(await processQueued(transport, bus, { limit: 1 })).toBe(1);
    expect(bus.dispatched.map((e) => (e.message as OrderPlaced).orderId)).toEqual([1, 2, 3, 4]);
  });

  it("leaves delayed messages until the clock reaches them", async () => {
    await transport.send(Envelope.wrap(new SendEmail("later"), [new DelayStamp(5_000)]));
    const bus = new HandlerBus(() => undefined);
    expect(await processQueued(transport, bus)).toBe(0);
    await clock.advance(5_000);
    expect(await processQueued(transport, bus)).toBe(1);
  });

  it("on failure rejects the message, handles nothing further and rethrows", async () => {
    for (const to of ["a", "boom", "c"]) await transport.send(Envelope.wrap(new SendEmail(to)));
    const failure = new Error("SMTP down");
    const bus = new HandlerBus((envelope) => {
      if ((envelope.message as SendEmail).to === "boom") throw failure;
      return undefined;
    });
    await expect(processQueued(transport, bus)).rejects.toBe(failure);
    expect(bus.dispatched.map((e) => (e.message as SendEmail).to)).toEqual(["a", "boom"]);
    expect(transport.getAcknowledged().map((e) => (e.message as SendEmail).to)).toEqual(["a"]);
    expect(transport.getRejected().map((e) => (e.message as SendEmail).to)).toEqual(["boom"]);
    // The message after the failure is still there and unclaimed.
    expect((await transport.get()).map((e) => (e.message as SendEmail).to)).toEqual(["c"]);
  });

  it("rejects with the envelope carried by the error, so handled stamps are kept", async () => {
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const bus = new HandlerBus((envelope) => {
      throw new HandlerFailedError(
        envelope.with(new HandledStamp(1, "first")),
        new Map([["second", new Error("x")]]),
      );
    });
    await expect(processQueued(transport, bus)).rejects.toBeInstanceOf(HandlerFailedError);
    expect(transport.getRejected()[0]!.last(HandledStamp)?.handlerName).toBe("first");
  });

  it("rejects a bad limit", async () => {
    const bus = new HandlerBus(() => undefined);
    await expect(processQueued(transport, bus, { limit: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(processQueued(transport, bus, { limit: 1.5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await processQueued(transport, bus, { limit: 0 })).toBe(0);
  });
});
