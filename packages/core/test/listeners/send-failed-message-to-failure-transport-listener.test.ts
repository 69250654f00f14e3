import { describe, expect, it } from "vitest";
import { SendFailedMessageToFailureTransportListener } from "../../src/entry-points/worker.js";
import {
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  EventDispatcher,
  HandledStamp,
  MultiplierRetryStrategy,
  RedeliveryStamp,
  type RetryStrategy,
  SentToFailureTransportStamp,
  WorkerMessageFailedEvent,
  WorkerMessageSentToFailureTransportEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { FakeSender, recordingLogger } from "./support.js";

class ChargeCard {}

function setup(options: { withSenderFor?: boolean; strategy?: RetryStrategy | null } = {}) {
  const clock = new FakeClock();
  const logger = recordingLogger();
  const senders = { async: new FakeSender(), failed: new FakeSender() };
  const strategy =
    options.strategy === null
      ? undefined
      : (options.strategy ??
        new MultiplierRetryStrategy({ maxRetries: 3, delay: 1000, multiplier: 2, jitter: 0 }));
  const listener = new SendFailedMessageToFailureTransportListener({
    failureSenderFor: (name) => (name === "async" ? { name: "failed", sender: senders.failed } : undefined),
    retryStrategyFor: () => strategy,
    ...(options.withSenderFor === false
      ? {}
      : { senderFor: (name: string) => senders[name as keyof typeof senders] }),
    logger,
    clock,
  });
  const events = new EventDispatcher();
  listener.register(events);
  const moved: WorkerMessageSentToFailureTransportEvent[] = [];
  events.on(WorkerMessageSentToFailureTransportEvent, (event) => {
    moved.push(event);
  });
  const fail = (envelope: Envelope, receiver: string, prepare?: (e: WorkerMessageFailedEvent) => void) => {
    const event = new WorkerMessageFailedEvent(envelope, receiver, new Error("card declined"));
    prepare?.(event);
    return events.dispatch(event);
  };
  return { clock, logger, senders, fail, moved };
}

describe("SendFailedMessageToFailureTransportListener", () => {
  it("moves a message that will not be retried to the failure transport of its transport", async () => {
    const { senders, fail, clock, logger, moved } = setup();
    const envelope = Envelope.wrap(new ChargeCard(), [
      new HandledStamp(null, "audit"),
      new ErrorDetailsStamp("Error", null, "card declined"),
      new RedeliveryStamp(1),
      new DelayStamp(1000),
      new RedeliveryStamp(3),
      new DelayStamp(4000),
    ]);
    await fail(envelope, "async");

    expect(senders.async.sent).toEqual([]);
    const copy = senders.failed.last;
    expect(copy.message).toBe(envelope.message);
    expect(copy.all(SentToFailureTransportStamp)).toEqual([new SentToFailureTransportStamp("async")]);
    expect(copy.all(DelayStamp)).toEqual([new DelayStamp(0)]);
    // The history stays; the last stamp resets the count so the failure transport retries afresh.
    expect(copy.all(RedeliveryStamp).map((s) => s.retryCount)).toEqual([1, 3, 0]);
    expect(copy.last(RedeliveryStamp)!.redeliveredAt.getTime()).toBe(clock.now());
    expect(copy.last(ErrorDetailsStamp)!.errorMessage).toBe("card declined");
    expect(copy.all(HandledStamp)).toHaveLength(1);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ receiverName: "async", failureTransportName: "failed" });
    expect(moved[0]!.envelope).toBe(copy);
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: "info",
        context: expect.objectContaining({ failureTransport: "failed", transport: "async" }),
        message: 'Rejected message ChargeCard will be sent to the failure transport "failed".',
      }),
    ]);
  });

  it("leaves a message that will be retried alone", async () => {
    const { senders, fail, moved } = setup();
    await fail(Envelope.wrap(new ChargeCard()), "async", (e) => e.setForRetry());
    expect(senders.failed.sent).toEqual([]);
    expect(moved).toEqual([]);
    expect(senders.async.sent).toEqual([]);
  });

  it("does nothing for a transport without a failure transport", async () => {
    const { senders, fail } = setup();
    await fail(Envelope.wrap(new ChargeCard()), "other");
    expect(senders.failed.sent).toEqual([]);
    expect(senders.async.sent).toEqual([]);
  });

  it("sends a message that failed again in the failure transport back there, backed off, instead of dropping it", async () => {
    const { senders, fail, clock, logger } = setup();
    // As consumed from "failed" after that transport's own three retries were used up.
    const envelope = Envelope.wrap(new ChargeCard(), [
      new SentToFailureTransportStamp("async"),
      new RedeliveryStamp(0),
      new DelayStamp(0),
      new ErrorDetailsStamp("Error", null, "card declined"),
      new RedeliveryStamp(3),
      new DelayStamp(4000),
    ]);
    await fail(envelope, "failed");

    const copy = senders.failed.last;
    expect(senders.failed.sent).toHaveLength(1);
    expect(copy.all(SentToFailureTransportStamp)).toEqual([new SentToFailureTransportStamp("async")]);
    expect(RedeliveryStamp.getRetryCountFromEnvelope(copy)).toBe(4); // counted on, not reset to 0
    expect(copy.last(RedeliveryStamp)!.redeliveredAt.getTime()).toBe(clock.now());
    expect(copy.all(DelayStamp)).toEqual([new DelayStamp(8000)]); // 1000 × 2^3
    expect(copy.last(ErrorDetailsStamp)!.errorMessage).toBe("card declined");
    expect(logger.lines.at(-1)).toMatchObject({
      level: "warn",
      context: { delay: 8000, transport: "failed", retryCount: 3 },
      message:
        'Message ChargeCard failed again after it was sent to a failure transport; sent back to "failed" with a 8000 ms delay (failure 4).',
    });

    // Failing once more parks it for longer: the back-off grows with every failure.
    await fail(copy, "failed");
    expect(senders.failed.sent).toHaveLength(2);
    expect(RedeliveryStamp.getRetryCountFromEnvelope(senders.failed.last)).toBe(5);
    expect(senders.failed.last.all(DelayStamp)).toEqual([new DelayStamp(16000)]); // 1000 × 2^4
  });

  it("backs off with the framework defaults when the receiving transport has no strategy", async () => {
    const { senders, fail } = setup({ strategy: null });
    await fail(
      Envelope.wrap(new ChargeCard(), [new SentToFailureTransportStamp("async"), new RedeliveryStamp(3)]),
      "failed",
    );
    const delay = senders.failed.last.last(DelayStamp)!.delay;
    expect(delay).toBeGreaterThanOrEqual(7200);
    expect(delay).toBeLessThanOrEqual(8800);
  });

  it("drops it, as Symfony does, only when it was given no way to send it back", async () => {
    const { senders, fail, logger } = setup({ withSenderFor: false });
    await fail(Envelope.wrap(new ChargeCard(), [new SentToFailureTransportStamp("async")]), "failed");
    expect(senders.failed.sent).toEqual([]);
    expect(logger.lines.at(-1)).toMatchObject({
      level: "error",
      message:
        'Message ChargeCard failed again after it was sent to a failure transport; it is removed from "failed" (no sender to send it back to).',
    });
  });

  it("bounds the redelivery and error histories of the failure copy", async () => {
    const { senders, fail } = setup();
    const stamps = Array.from({ length: 12 }, (_, i) => [
      new RedeliveryStamp(i + 1),
      new ErrorDetailsStamp("Error", null, `failure ${i}`),
    ]).flat();
    await fail(Envelope.wrap(new ChargeCard(), stamps), "async");
    const copy = senders.failed.last;
    expect(copy.all(RedeliveryStamp).map((s) => s.retryCount)).toEqual([1, 5, 6, 7, 8, 9, 10, 11, 12, 0]);
    expect(copy.all(ErrorDetailsStamp)).toHaveLength(10);
    expect(copy.all(ErrorDetailsStamp)[0]!.errorMessage).toBe("failure 0");
    expect(copy.last(ErrorDetailsStamp)!.errorMessage).toBe("failure 11");
  });

  it("subscribes at priority -100, after the retry decision", async () => {
    const failed = new FakeSender();
    const events = new EventDispatcher();
    new SendFailedMessageToFailureTransportListener({
      failureSenderFor: () => ({ name: "failed", sender: failed }),
      retryStrategyFor: () => undefined,
    }).register(events);
    // A "retry listener" at -99 still runs first and marks the event.
    events.on(WorkerMessageFailedEvent, (e) => e.setForRetry(), -99);
    await events.dispatch(
      new WorkerMessageFailedEvent(Envelope.wrap(new ChargeCard()), "async", new Error("x")),
    );
    expect(failed.sent).toEqual([]);
  });
});
