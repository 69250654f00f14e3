import { type Clock, systemClock } from "../clock/clock.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import type { RetryStrategy } from "../retry/retry-strategy.js";
import { decideRetry } from "../retry/should-retry.js";
import { DelayStamp } from "../stamps/delay-stamp.js";
import { ErrorDetailsStamp } from "../stamps/error-details-stamp.js";
import { RedeliveryStamp } from "../stamps/redelivery-stamp.js";
import type { Sender } from "../transport/sender.js";
import { WorkerMessageFailedEvent } from "../worker/events/worker-message-failed-event.js";
import { WorkerMessageRetriedEvent } from "../worker/events/worker-message-retried-event.js";
import { messageLogContext } from "./log-context.js";
import {
  assertHistorySize,
  DEFAULT_STAMP_HISTORY_SIZE,
  limitStampHistory,
  withLimitedHistory,
} from "./stamp-history.js";
import type { WorkerListener } from "./worker-listener.js";

export interface SendFailedMessageForRetryListenerOptions {
  /** The sender of a transport, by the name the message was received from. */
  readonly senderFor: (receiverName: string) => Sender | undefined;
  /** The retry strategy of a transport; none means its messages are never retried. */
  readonly retryStrategyFor: (receiverName: string) => RetryStrategy | undefined;
  /** Where `WorkerMessageRetriedEvent` is dispatched. */
  readonly events: EventDispatcher;
  readonly logger?: Logger;
  /** Stamps of one class a retry copy keeps: the first and the most recent. @defaultValue 10 */
  readonly historySize?: number;
  /** Dates the redelivery stamps. @defaultValue systemClock */
  readonly clock?: Clock;
}

/**
 * Priority 100 on the failed event: decides with the receiving transport's retry strategy
 * (`decideRetry`) and, if the message is retried, publishes a delayed copy to that same
 * transport and marks the event, so the failure-transport listener (-100) leaves it alone. The
 * worker then rejects the original: retries never rely on broker redelivery.
 */
export class SendFailedMessageForRetryListener implements WorkerListener {
  static readonly priority = 100;
  readonly #senderFor: SendFailedMessageForRetryListenerOptions["senderFor"];
  readonly #retryStrategyFor: SendFailedMessageForRetryListenerOptions["retryStrategyFor"];
  readonly #events: EventDispatcher;
  readonly #logger: Logger;
  readonly #historySize: number;
  readonly #clock: Clock;

  constructor(options: SendFailedMessageForRetryListenerOptions) {
    const historySize = options.historySize ?? DEFAULT_STAMP_HISTORY_SIZE;
    assertHistorySize(historySize);
    this.#senderFor = options.senderFor;
    this.#retryStrategyFor = options.retryStrategyFor;
    this.#events = options.events;
    this.#logger = options.logger ?? nullLogger;
    this.#historySize = historySize;
    this.#clock = options.clock ?? systemClock;
  }

  register(events: EventDispatcher): () => void {
    return events.on(
      WorkerMessageFailedEvent,
      (event) => this.onMessageFailed(event),
      SendFailedMessageForRetryListener.priority,
    );
  }

  async onMessageFailed(event: WorkerMessageFailedEvent): Promise<void> {
    if (event.willRetry) return;
    const { envelope, error, receiverName } = event;
    const context = { ...messageLogContext(envelope, receiverName), error: error.message, err: error };
    const decision = decideRetry(error, envelope, this.#retryStrategyFor(receiverName));
    if (!decision.retry) {
      this.#logger.error(
        { ...context, reason: decision.reason },
        `Error thrown while handling message ${context.class}. Removing from transport after ${context.retryCount} retries. Error: "${error.message}"`,
      );
      return;
    }
    const sender = this.#senderFor(receiverName);
    if (!sender) {
      // Not retried, so the failure-transport listener still gets the message: better than losing it.
      this.#logger.error(
        context,
        `Message ${context.class} should be retried, but transport "${receiverName}" has no sender to publish the retry to.`,
      );
      return;
    }

    const retryCount = context.retryCount + 1;
    // The failed envelope carries the handled stamps of the handlers that succeeded, so the retry
    // runs only the handlers that failed. Exactly one delay stamp: an older one would be ambiguous.
    let retry = envelope.withoutAll(DelayStamp).with(new DelayStamp(decision.delay));
    retry = withLimitedHistory(
      retry,
      new RedeliveryStamp(retryCount, new Date(this.#clock.now())),
      this.#historySize,
    );
    retry = limitStampHistory(retry, ErrorDetailsStamp, this.#historySize);

    this.#logger.warn(
      { ...context, retryCount, delay: decision.delay, reason: decision.reason },
      `Error thrown while handling message ${context.class}. Sending for retry #${retryCount} using ${decision.delay} ms delay. Error: "${error.message}"`,
    );
    // A send failure propagates: the worker then leaves the original unrejected, so it comes back
    // after the redelivery timeout instead of being lost.
    const sent = await sender.send(retry);
    event.setForRetry();
    await this.#events.dispatch(new WorkerMessageRetriedEvent(sent, receiverName));
  }
}
