import { describe, expect, it } from "vitest";
import {
  AddErrorDetailsStampListener,
  registerListeners,
  SendFailedMessageForRetryListener,
  SendFailedMessageToFailureTransportListener,
} from "../../src/entry-points/worker.js";
import {
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  EventDispatcher,
  MultiplierRetryStrategy,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  TransportMessageIdStamp,
  WorkerMessageFailedEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { FakeSender } from "./support.js";

class Report {}

/**
 * The three failure listeners wired on one dispatcher, two transports ("async" with a failure
 * transport "failed"), and a `fail` that plays the worker: it emits the failed event for an
 * envelope as received from a transport.
 */
function pipeline() {
  const clock = new FakeClock();
  const events = new EventDispatcher();
  const senders = { async: new FakeSender(), failed: new FakeSender() };
  const strategies = {
    async: new MultiplierRetryStrategy({ maxRetries: 3, delay: 1000, multiplier: 2, jitter: 0 }),
    failed: new MultiplierRetryStrategy({ maxRetries: 2, delay: 60_000, multiplier: 2, jitter: 0 }),
  };
  const senderFor = (name: string) => senders[name as keyof typeof senders];
  const retryStrategyFor = (name: string) => strategies[name as keyof typeof strategies];
  // Registered in the "wrong" order on purpose: the priorities must sort them.
  registerListeners(events, [
    new SendFailedMessageToFailureTransportListener({
      failureSenderFor: (name) => (name === "async" ? { name: "failed", sender: senders.failed } : undefined),
      retryStrategyFor,
      senderFor,
      clock,
    }),
    new SendFailedMessageForRetryListener({ senderFor, retryStrategyFor, events, clock }),
    new AddErrorDetailsStampListener(),
  ]);
  const fail = async (envelope: Envelope, receiver: string, message = "report failed") => {
    // What a transport would give back: its id stamp is replaced on the next send.
    const received = envelope.withoutAll(TransportMessageIdStamp);
    return events.dispatch(new WorkerMessageFailedEvent(received, receiver, new Error(message)));
  };
  return { senders, fail };
}

describe("the failure pipeline (error details 200, retry 100, failure transport -100)", () => {
  it("retries three times with growing delays, then parks the message in the failure transport", async () => {
    const { senders, fail } = pipeline();
    let envelope = Envelope.wrap(new Report());
    for (const expectedDelay of [1000, 2000, 4000]) {
      const event = await fail(envelope, "async");
      expect(event.willRetry).toBe(true);
      envelope = senders.async.last;
      expect(envelope.all(DelayStamp)).toEqual([new DelayStamp(expectedDelay)]);
      // Error details were added before the retry listener copied the envelope.
      expect(envelope.last(ErrorDetailsStamp)?.errorMessage).toBe("report failed");
    }
    expect(envelope.all(RedeliveryStamp).map((s) => s.retryCount)).toEqual([1, 2, 3]);
    expect(envelope.all(ErrorDetailsStamp)).toHaveLength(1); // the same error is not repeated

    const last = await fail(envelope, "async", "still failing");
    expect(last.willRetry).toBe(false);
    expect(senders.async.sent).toHaveLength(3);
    const parked = senders.failed.last;
    expect(parked.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("async");
    expect(parked.all(DelayStamp)).toEqual([new DelayStamp(0)]);
    expect(RedeliveryStamp.getRetryCountFromEnvelope(parked)).toBe(0);
    expect(parked.all(ErrorDetailsStamp).map((s) => s.errorMessage)).toEqual([
      "report failed",
      "still failing",
    ]);
  });

  it("consumed from the failure transport: retried by its own strategy, then kept there, backed off", async () => {
    const { senders, fail } = pipeline();
    let envelope = Envelope.wrap(new Report(), [new RedeliveryStamp(3)]);
    await fail(envelope, "async");
    envelope = senders.failed.last;

    // `messenger:consume failed`: the failure transport's strategy (2 retries of 60 s, 120 s).
    for (const expectedDelay of [60_000, 120_000]) {
      const event = await fail(envelope, "failed");
      expect(event.willRetry).toBe(true);
      envelope = senders.failed.last;
      expect(envelope.last(DelayStamp)?.delay).toBe(expectedDelay);
    }
    expect(senders.failed.sent).toHaveLength(3);

    // Symfony would drop it here. It goes back to "failed" instead, spaced by 60 s × 2^2.
    const exhausted = await fail(envelope, "failed");
    expect(exhausted.willRetry).toBe(false);
    expect(senders.failed.sent).toHaveLength(4);
    const kept = senders.failed.last;
    expect(kept.all(DelayStamp)).toEqual([new DelayStamp(240_000)]);
    expect(RedeliveryStamp.getRetryCountFromEnvelope(kept)).toBe(3);
    expect(kept.all(SentToFailureTransportStamp)).toEqual([new SentToFailureTransportStamp("async")]);
    expect(senders.async.sent).toEqual([]);
  });
});
