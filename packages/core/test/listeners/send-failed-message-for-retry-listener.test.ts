import { describe, expect, it } from "vitest";
import { SendFailedMessageForRetryListener } from "../../src/entry-points/worker.js";
import {
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  EventDispatcher,
  HandledStamp,
  InvalidArgumentError,
  MultiplierRetryStrategy,
  RecoverableMessageHandlingError,
  RedeliveryStamp,
  type RetryStrategy,
  TransportError,
  UnrecoverableMessageHandlingError,
  WorkerMessageFailedEvent,
  WorkerMessageRetriedEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { FakeSender, recordingLogger } from "./support.js";

class SendEmail {
  constructor(readonly to = "a@example.com") {}
}

function setup(
  options: { strategy?: RetryStrategy | null; historySize?: number; sender?: FakeSender | null } = {},
) {
  const clock = new FakeClock();
  const events = new EventDispatcher();
  const logger = recordingLogger();
  const sender = options.sender === null ? undefined : (options.sender ?? new FakeSender());
  const strategy =
    options.strategy === null
      ? undefined
      : (options.strategy ??
        new MultiplierRetryStrategy({ maxRetries: 3, delay: 1000, multiplier: 2, jitter: 0 }));
  const retried: WorkerMessageRetriedEvent[] = [];
  events.on(WorkerMessageRetriedEvent, (e) => void retried.push(e));
  const listener = new SendFailedMessageForRetryListener({
    senderFor: (name) => (name === "async" ? sender : undefined),
    retryStrategyFor: (name) => (name === "async" ? strategy : undefined),
    events,
    logger,
    clock,
    ...(options.historySize === undefined ? {} : { historySize: options.historySize }),
  });
  listener.register(events);
  const fail = (envelope: Envelope, error: Error = new Error("boom"), receiver = "async") =>
    events.dispatch(new WorkerMessageFailedEvent(envelope, receiver, error));
  return { clock, events, logger, sender, listener, retried, fail };
}

describe("SendFailedMessageForRetryListener", () => {
  it("sends a delayed copy to the same transport, keeps the handled stamps and announces the retry", async () => {
    const { sender, retried, fail, clock, logger } = setup();
    const envelope = Envelope.wrap(new SendEmail(), [new HandledStamp("ok", "audit"), new DelayStamp(250)]);
    const event = await fail(envelope);

    expect(event.willRetry).toBe(true);
    expect(sender!.sent).toHaveLength(1);
    const copy = sender!.last;
    expect(copy.message).toBe(envelope.message);
    expect(copy.all(HandledStamp).map((s) => s.handlerName)).toEqual(["audit"]);
    expect(copy.all(DelayStamp).map((s) => s.delay)).toEqual([1000]); // only the new one
    expect(copy.all(RedeliveryStamp)).toEqual([new RedeliveryStamp(1, new Date(clock.now()))]);

    expect(retried).toHaveLength(1);
    expect(retried[0]!.envelope).toBe(copy); // what the sender returned, with its id stamp
    expect(retried[0]!.receiverName).toBe("async");

    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: "warn",
        context: expect.objectContaining({
          class: "SendEmail",
          retryCount: 1,
          delay: 1000,
          transport: "async",
        }),
        message:
          'Error thrown while handling message SendEmail. Sending for retry #1 using 1000 ms delay. Error: "boom"',
      }),
    ]);
  });

  it("counts on from the last redelivery stamp, the delay growing with it", async () => {
    const { sender, fail } = setup();
    await fail(Envelope.wrap(new SendEmail(), [new RedeliveryStamp(1), new RedeliveryStamp(2)]));
    expect(sender!.last.last(RedeliveryStamp)!.retryCount).toBe(3);
    expect(sender!.last.last(DelayStamp)!.delay).toBe(4000);
  });

  it("stops retrying when the strategy says so and logs the removal", async () => {
    const { sender, retried, fail, logger } = setup();
    const event = await fail(Envelope.wrap(new SendEmail(), [new RedeliveryStamp(3)]));
    expect(event.willRetry).toBe(false);
    expect(sender!.sent).toEqual([]);
    expect(retried).toEqual([]);
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: "error",
        context: expect.objectContaining({ reason: "exhausted", retryCount: 3 }),
        message:
          'Error thrown while handling message SendEmail. Removing from transport after 3 retries. Error: "boom"',
      }),
    ]);
  });

  it("never retries an unrecoverable error, always a recoverable one, with its own delay", async () => {
    const { sender, fail } = setup();
    const never = await fail(
      Envelope.wrap(new SendEmail()),
      new UnrecoverableMessageHandlingError("bad address"),
    );
    expect(never.willRetry).toBe(false);
    const always = await fail(
      Envelope.wrap(new SendEmail(), [new RedeliveryStamp(7)]),
      new RecoverableMessageHandlingError("rate limited", { retryDelay: 30_000 }),
    );
    expect(always.willRetry).toBe(true);
    expect(sender!.sent).toHaveLength(1);
    expect(sender!.last.last(DelayStamp)!.delay).toBe(30_000);
    expect(sender!.last.last(RedeliveryStamp)!.retryCount).toBe(8);
  });

  it("does not retry on a transport without a retry strategy", async () => {
    const { sender, fail } = setup({ strategy: null });
    const event = await fail(Envelope.wrap(new SendEmail()), new RecoverableMessageHandlingError("again"));
    expect(event.willRetry).toBe(false);
    expect(sender!.sent).toEqual([]);
  });

  it("bounds the history: 15 redelivery stamps become the first plus the 9 most recent", async () => {
    const { sender, fail } = setup({
      strategy: new MultiplierRetryStrategy({ maxRetries: 100, delay: 10, jitter: 0 }),
    });
    const previous = Array.from({ length: 14 }, (_, i) => new RedeliveryStamp(i + 1));
    await fail(Envelope.wrap(new SendEmail(), previous));
    expect(sender!.last.all(RedeliveryStamp).map((s) => s.retryCount)).toEqual([
      1, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
  });

  it("bounds the error details too, and takes another history size", async () => {
    const { sender, fail } = setup({
      historySize: 3,
      strategy: new MultiplierRetryStrategy({ maxRetries: 100, jitter: 0 }),
    });
    const details = Array.from({ length: 6 }, (_, i) => new ErrorDetailsStamp("Error", null, `failure ${i}`));
    const redeliveries = [1, 2, 3, 4].map((n) => new RedeliveryStamp(n));
    await fail(Envelope.wrap(new SendEmail(), [...details, ...redeliveries]));
    const copy = sender!.last;
    expect(copy.all(ErrorDetailsStamp).map((s) => s.errorMessage)).toEqual([
      "failure 0",
      "failure 4",
      "failure 5",
    ]);
    expect(copy.all(RedeliveryStamp).map((s) => s.retryCount)).toEqual([1, 4, 5]);
  });

  it("rejects a history size that cannot keep the first and the latest stamp", () => {
    const options = {
      senderFor: () => undefined,
      retryStrategyFor: () => undefined,
      events: new EventDispatcher(),
    };
    expect(() => new SendFailedMessageForRetryListener({ ...options, historySize: 1 })).toThrowError(
      InvalidArgumentError,
    );
    expect(() => new SendFailedMessageForRetryListener({ ...options, historySize: 2.5 })).toThrowError(
      "historySize must be an integer >= 2 (the first stamp and the latest are always kept), got 2.5.",
    );
  });

  it("leaves the message to the failure path when the transport has no sender", async () => {
    const { fail, logger } = setup({ sender: null });
    const event = await fail(Envelope.wrap(new SendEmail()));
    expect(event.willRetry).toBe(false);
    expect(logger.lines.at(-1)).toMatchObject({
      level: "error",
      message:
        'Message SendEmail should be retried, but transport "async" has no sender to publish the retry to.',
    });
  });

  it("lets a send failure propagate without marking the event, so the original is not rejected", async () => {
    const sender = new FakeSender();
    sender.failWith = new TransportError("connection lost");
    const { retried, listener } = setup({ sender });
    const event = new WorkerMessageFailedEvent(Envelope.wrap(new SendEmail()), "async", new Error("boom"));
    await expect(listener.onMessageFailed(event)).rejects.toThrowError("connection lost");
    expect(event.willRetry).toBe(false);
    expect(retried).toEqual([]);
  });

  it("does nothing for an event another listener already retried", async () => {
    const { sender, listener } = setup();
    const event = new WorkerMessageFailedEvent(Envelope.wrap(new SendEmail()), "async", new Error("boom"));
    event.setForRetry();
    await listener.onMessageFailed(event);
    expect(sender!.sent).toEqual([]);
  });

  it("subscribes at priority 100 and unsubscribes", async () => {
    const events = new EventDispatcher();
    const sender = new FakeSender();
    const seen: boolean[] = [];
    events.on(WorkerMessageFailedEvent, (e) => void seen.push(e.willRetry), 101);
    events.on(WorkerMessageFailedEvent, (e) => void seen.push(e.willRetry), 99);
    const off = new SendFailedMessageForRetryListener({
      senderFor: () => sender,
      retryStrategyFor: () => new MultiplierRetryStrategy(),
      events,
    }).register(events);
    await events.dispatch(
      new WorkerMessageFailedEvent(Envelope.wrap(new SendEmail()), "async", new Error("x")),
    );
    expect(seen).toEqual([false, true]);
    off();
    await events.dispatch(
      new WorkerMessageFailedEvent(Envelope.wrap(new SendEmail()), "async", new Error("x")),
    );
    expect(sender.sent).toHaveLength(1);
  });
});
