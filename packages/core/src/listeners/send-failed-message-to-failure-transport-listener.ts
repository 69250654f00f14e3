import { type Clock, systemClock } from "../clock/clock.js";
import type { Envelope } from "../envelope/envelope.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { createRetryStrategy } from "../retry/create-retry-strategy.js";
import type { RetryStrategy } from "../retry/retry-strategy.js";
import { waitingTimeOf } from "../retry/waiting-time.js";
import { DelayStamp } from "../stamps/delay-stamp.js";
import { ErrorDetailsStamp } from "../stamps/error-details-stamp.js";
import { RedeliveryStamp } from "../stamps/redelivery-stamp.js";
import { SentToFailureTransportStamp } from "../stamps/sent-to-failure-transport-stamp.js";
import type { Sender } from "../transport/sender.js";
import { WorkerMessageFailedEvent } from "../worker/events/worker-message-failed-event.js";
import { WorkerMessageSentToFailureTransportEvent } from "../worker/events/worker-message-sent-to-failure-transport-event.js";
import { messageLogContext } from "./log-context.js";
import {
  assertHistorySize,
  DEFAULT_STAMP_HISTORY_SIZE,
  limitStampHistory,
  withLimitedHistory,
} from "./stamp-history.js";
import type { WorkerListener } from "./worker-listener.js";

/** A failure transport: its name (for stamps and logs) and its sender. */
export interface FailureSender {
  readonly name: string;
  readonly sender: Sender;
}

export interface SendFailedMessageToFailureTransportListenerOptions {
  /** The failure transport of a transport, by the name the message was received from. */
  readonly failureSenderFor: (receiverName: string) => FailureSender | undefined;
  /**
   * The retry strategy of a transport. Here it only spaces out a message that failed again after
   * it reached a failure transport (see the class comment).
   */
  readonly retryStrategyFor: (receiverName: string) => RetryStrategy | undefined;
  /**
   * The sender of a transport, by the name the message was received from. Without it, a message
   * that fails again after reaching a failure transport is dropped, as Symfony does.
   */
  readonly senderFor?: (receiverName: string) => Sender | undefined;
  readonly logger?: Logger;
  /** Stamps of one class a sent copy keeps: the first and the most recent. @defaultValue 10 */
  readonly historySize?: number;
  /** Dates the redelivery stamps. @defaultValue systemClock */
  readonly clock?: Clock;
  /**
   * Where `WorkerMessageSentToFailureTransportEvent` is dispatched. @defaultValue the dispatcher
   * the listener was last registered on
   */
  readonly events?: EventDispatcher;
}

/**
 * Priority -100 on the failed event: after the retry listener, so it only sees messages that
 * will not be retried.
 *
 * A message seen here for the first time goes to its transport's failure transport with a
 * `SentToFailureTransportStamp` naming where it came from, no delay, and a redelivery count reset
 * to 0 so that the failure transport's own retry strategy starts afresh.
 *
 * A message that already carries `SentToFailureTransportStamp` was consumed from a failure
 * transport (`messenger:consume failed`) and failed again after that transport's retries.
 * Symfony drops it there. We send it back to the transport it came from instead, error details
 * added, one more on its redelivery count (never reset: it has used up its retries), and delayed
 * by that transport's retry strategy, so it parks with a growing back-off instead of being lost
 * or looping hot.
 */
export class SendFailedMessageToFailureTransportListener implements WorkerListener {
  static readonly priority = -100;
  readonly #failureSenderFor: SendFailedMessageToFailureTransportListenerOptions["failureSenderFor"];
  readonly #retryStrategyFor: SendFailedMessageToFailureTransportListenerOptions["retryStrategyFor"];
  readonly #senderFor: SendFailedMessageToFailureTransportListenerOptions["senderFor"];
  readonly #logger: Logger;
  readonly #historySize: number;
  readonly #clock: Clock;
  #events: EventDispatcher | undefined;
  /** Backs off parked messages of a transport that has no strategy of its own. */
  #fallbackStrategy: RetryStrategy | undefined;

  constructor(options: SendFailedMessageToFailureTransportListenerOptions) {
    const historySize = options.historySize ?? DEFAULT_STAMP_HISTORY_SIZE;
    assertHistorySize(historySize);
    this.#failureSenderFor = options.failureSenderFor;
    this.#retryStrategyFor = options.retryStrategyFor;
    this.#senderFor = options.senderFor;
    this.#logger = options.logger ?? nullLogger;
    this.#historySize = historySize;
    this.#clock = options.clock ?? systemClock;
    this.#events = options.events;
  }

  register(events: EventDispatcher): () => void {
    this.#events ??= events;
    return events.on(
      WorkerMessageFailedEvent,
      (event) => this.onMessageFailed(event),
      SendFailedMessageToFailureTransportListener.priority,
    );
  }

  async onMessageFailed(event: WorkerMessageFailedEvent): Promise<void> {
    if (event.willRetry) return;
    if (event.envelope.has(SentToFailureTransportStamp)) return this.#sendBack(event);

    const failure = this.#failureSenderFor(event.receiverName);
    if (!failure) return;
    const context = messageLogContext(event.envelope, event.receiverName);
    let copy = event.envelope
      .withoutAll(DelayStamp)
      .with(new SentToFailureTransportStamp(event.receiverName), new DelayStamp(0));
    copy = this.#bounded(copy, new RedeliveryStamp(0, new Date(this.#clock.now())));
    this.#logger.info(
      { ...context, failureTransport: failure.name },
      `Rejected message ${context.class} will be sent to the failure transport "${failure.name}".`,
    );
    const sent = await failure.sender.send(copy);
    await this.#events?.dispatch(
      new WorkerMessageSentToFailureTransportEvent(sent, event.receiverName, failure.name),
    );
  }

  async #sendBack(event: WorkerMessageFailedEvent): Promise<void> {
    const { envelope, error, receiverName } = event;
    const context = { ...messageLogContext(envelope, receiverName), error: error.message };
    const sender = this.#senderFor?.(receiverName);
    if (!sender) {
      this.#logger.error(
        context,
        `Message ${context.class} failed again after it was sent to a failure transport; it is removed from "${receiverName}" (no sender to send it back to).`,
      );
      return;
    }
    const strategy = this.#retryStrategyFor(receiverName) ?? this.#defaultStrategy();
    const delay = waitingTimeOf(strategy, envelope, error);
    // One more failure, one more count: the next pass waits longer (the strategy's backoff,
    // capped by its max delay), so a message that keeps failing parks instead of looping hot.
    const retryCount = context.retryCount + 1;
    let copy = envelope.withoutAll(DelayStamp).with(new DelayStamp(delay));
    copy = this.#bounded(copy, new RedeliveryStamp(retryCount, new Date(this.#clock.now())));
    this.#logger.warn(
      { ...context, delay },
      `Message ${context.class} failed again after it was sent to a failure transport; sent back to "${receiverName}" with a ${delay} ms delay (failure ${retryCount}).`,
    );
    await sender.send(copy);
  }

  /** Adds the redelivery stamp and bounds the stamp classes that grow with every failure. */
  #bounded(envelope: Envelope, redelivery: RedeliveryStamp): Envelope {
    const copy = withLimitedHistory(envelope, redelivery, this.#historySize);
    return limitStampHistory(copy, ErrorDetailsStamp, this.#historySize);
  }

  #defaultStrategy(): RetryStrategy {
    this.#fallbackStrategy ??= createRetryStrategy({});
    return this.#fallbackStrategy;
  }
}
