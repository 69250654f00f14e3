import type { BatchHandler } from "../batch/batch-handler.js";
import type { MessageBus } from "../bus/message-bus.js";
import { type Clock, systemClock } from "../clock/clock.js";
import type { Envelope } from "../envelope/envelope.js";
import { isEnvelopeAwareError } from "../envelope-errors/envelope-aware-error.js";
import { findConfigurationError } from "../errors/configuration-error.js";
import { DeliveryLimitExceededError } from "../errors/delivery-limit-exceeded-error.js";
import { LogicError } from "../errors/logic-error.js";
import { RejectRedeliveredMessageError } from "../errors/reject-redelivered-message-error.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { AckStamp } from "../stamps/ack-stamp.js";
import { ConsumedByWorkerStamp } from "../stamps/consumed-by-worker-stamp.js";
import { DeliveryLimitExceededStamp } from "../stamps/delivery-limit-exceeded-stamp.js";
import { FlushBatchHandlersStamp } from "../stamps/flush-batch-handlers-stamp.js";
import { NoAutoAckStamp } from "../stamps/no-auto-ack-stamp.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";
import { TransportMessageIdStamp } from "../stamps/transport-message-id-stamp.js";
import { isMessageWaiter } from "../transport/capabilities/message-waiter.js";
import { isQueueReceiver } from "../transport/capabilities/queue-receiver.js";
import { isReleasableReceiver } from "../transport/capabilities/releasable-receiver.js";
import type { Receiver } from "../transport/receiver.js";
import type { WorkerEventSource } from "./events/worker-event.js";
import { WorkerMessageFailedEvent } from "./events/worker-message-failed-event.js";
import { WorkerMessageHandledEvent } from "./events/worker-message-handled-event.js";
import { WorkerMessageReceivedEvent } from "./events/worker-message-received-event.js";
import { WorkerRateLimitedEvent } from "./events/worker-rate-limited-event.js";
import { WorkerRunningEvent } from "./events/worker-running-event.js";
import { WorkerStartedEvent } from "./events/worker-started-event.js";
import { WorkerStoppedEvent } from "./events/worker-stopped-event.js";
import { KeepaliveTimer } from "./keepalive-timer.js";
import type { WorkerMetadata } from "./worker-metadata.js";
import type { WorkerOptions } from "./worker-options.js";

/** A message the worker holds: in a handler, or waiting for a batch handler's acknowledgement. */
export interface InHandMessage {
  readonly envelope: Envelope;
  readonly receiverName: string;
  readonly receiver: Receiver;
}

interface HeldForBatch extends InHandMessage {
  readonly heldAt: number;
}

/**
 * Acknowledgements in flight before the worker stops fetching until some complete. Room for two
 * of the largest batches a transport claims (500 rows on PostgreSQL): acks go out in batches, one
 * statement at a time, and at 256 a fast worker at concurrency 20 spent a quarter of its time
 * waiting for the previous statement's round trip.
 */
const MAX_PENDING_ACKS = 1024;

/**
 * Messages of one fetched batch the worker starts before it lets the event loop run once. Fast
 * handlers complete in microtasks only, so a batch would otherwise run to its end before any I/O
 * or timer: the transport's next claim, its batched acknowledgements and the database's answers
 * would all wait for the whole batch. A count, not a time, so that what a batch does stays
 * deterministic (a test driving the worker with a fake clock sees small batches run at once).
 */
const STARTS_BETWEEN_TURNS = 64;

/** Captured at load: a test that installs fake timers later must not stop the worker. */
const immediate = globalThis.setImmediate;
const yieldToEventLoop = (): Promise<void> => new Promise<void>((resolve) => immediate(resolve));

/**
 * The reason an idle wait's losing sleeps are aborted with. `abort()` without a reason builds a
 * `DOMException`, stack trace included, on every wake-up: a visible share of an idle worker's
 * latency (measured in docs/performance.md).
 */
const IDLE_OVER: unknown = Object.freeze({ reason: "the worker's idle wait is over" });

function describe(envelope: Envelope): Record<string, unknown> {
  return {
    class: envelope.message.constructor?.name,
    id: envelope.last(TransportMessageIdStamp)?.id,
  };
}

/**
 * Receives messages from transports in priority order, dispatches them on the bus, acknowledges
 * each one after its handlers finished and rejects it after a failure (the failed-event listeners
 * decide about retries and the failure transport first). Emits the worker events.
 *
 * The loop is Symfony's: after any receiver yielded messages it starts again from the first one,
 * so a lower-priority transport is read only when every earlier one was empty. With `concurrency`
 * above 1, up to that many messages are handled at once; fetching waits for a free slot.
 */
export class Worker implements WorkerEventSource {
  readonly #receivers: ReadonlyMap<string, Receiver>;
  readonly #bus: MessageBus;
  readonly #events: EventDispatcher;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #options: WorkerOptions;
  readonly #concurrency: number;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #inHand = new Set<InHandMessage>();
  readonly #heldForBatch = new Map<BatchHandler, HeldForBatch>();
  readonly #finishing = new Set<Promise<void>>();
  #slotWaiters: (() => void)[] = [];
  #stopping = false;
  #aborted = false;
  readonly #abortedSignal = new AbortController();
  #idleSleep: AbortController | undefined;
  #metadata: WorkerMetadata;
  #configurationError: Error | undefined;

  constructor(
    receivers: ReadonlyMap<string, Receiver>,
    bus: MessageBus,
    events: EventDispatcher,
    options: WorkerOptions = {},
  ) {
    if (receivers.size === 0)
      throw new LogicError("A worker needs at least one receiver.", { code: "NO_RECEIVERS" });
    const concurrency = options.concurrency ?? 1;
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new LogicError(`Concurrency must be a whole number >= 1, got ${String(concurrency)}.`, {
        code: "INVALID_WORKER_OPTION",
      });
    }
    this.#receivers = receivers;
    this.#bus = options.bus ?? bus;
    this.#events = events;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
    this.#options = options;
    this.#concurrency = concurrency;
    this.#metadata = { transportNames: [...receivers.keys()], queueNames: options.queues, startedAt: 0 };
  }

  get metadata(): WorkerMetadata {
    return this.#metadata;
  }

  /** Messages currently in handlers or held by batch handlers. */
  get inHand(): readonly InHandMessage[] {
    return [...this.#inHand];
  }

  /** Stop fetching; finish, acknowledge and flush what is in hand, then `run()` resolves. */
  stop(): void {
    this.#stopping = true;
    this.#idleSleep?.abort();
    this.#wakeSlotWaiters();
  }

  /**
   * Stop at once without acknowledging or rejecting what is in hand: those messages stay claimed
   * and are delivered again after the transport's redelivery timeout. An acknowledgement already
   * sent to the transport completes; none is half done.
   */
  abort(): void {
    this.#aborted = true;
    this.#abortedSignal.abort();
    this.stop();
  }

  get isStopping(): boolean {
    return this.#stopping;
  }

  /**
   * Runs until stopped. Rejects, once stopped, with the configuration error that stopped it (a
   * handler the container cannot build), so a console command exits with a failure.
   */
  async run(): Promise<void> {
    const queues = this.#options.queues;
    if (queues && queues.length > 0) {
      for (const [name, receiver] of this.#receivers) {
        if (!isQueueReceiver(receiver)) {
          throw new LogicError(`Receiver "${name}" does not support consuming from queues (--queues).`, {
            code: "QUEUES_NOT_SUPPORTED",
          });
        }
      }
    }
    this.#metadata = { ...this.#metadata, startedAt: this.#clock.now() };
    const keepalive = new KeepaliveTimer(
      this.#receivers,
      () => this.#inHand,
      this.#options.keepaliveInterval,
      this.#logger,
    );
    keepalive.start();
    try {
      await this.#events.dispatch(new WorkerStartedEvent(this));
      this.#logger.info({ transports: this.#metadata.transportNames }, "Worker started");
      await this.#loop();
      if (!this.#aborted) await this.#drain();
      if (!this.#aborted) await this.#flush(true);
    } finally {
      keepalive.stop();
    }
    await this.#events.dispatch(new WorkerStoppedEvent(this));
    this.#logger.info({ aborted: this.#aborted }, "Worker stopped");
    if (this.#configurationError) throw this.#configurationError;
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      const roundStart = this.#clock.now();
      let fetched = false;
      for (const [name, receiver] of this.#receivers) {
        await this.#freeSlot();
        if (this.#stopping) break;
        const envelopes = await this.#get(name, receiver);
        if (envelopes.length === 0) continue;
        fetched = true;
        // Fetched messages are claimed: keep them alive while they wait for a free slot too.
        const waiting = envelopes.map((envelope) => ({ envelope, receiverName: name, receiver }));
        for (const entry of waiting) this.#inHand.add(entry);
        let startsSinceTurn = 0;
        const unstarted: Envelope[] = [];
        for (const entry of waiting) {
          if (++startsSinceTurn > STARTS_BETWEEN_TURNS) {
            startsSinceTurn = 1;
            await yieldToEventLoop();
          }
          // Awaited only when there is something to wait for: each await costs a few microtasks.
          if (this.#mustWaitForSlot()) await this.#freeSlot();
          if (!this.#stopping && this.#options.rateLimiters?.has(name)) await this.#rateLimit(name);
          this.#inHand.delete(entry);
          if (this.#stopping) {
            unstarted.push(entry.envelope);
            continue;
          }
          this.#start(entry.envelope, name, receiver);
        }
        if (unstarted.length > 0) await this.#release(name, receiver, unstarted);
        break; // priority: start again from the first receiver
      }
      if (this.#stopping) break;
      if (fetched) {
        await this.#flushIfHeldTooLong();
        continue;
      }
      if (await this.#flush(false)) continue;
      await this.#events.dispatch(new WorkerRunningEvent(this, true));
      const wait = Math.max(0, (this.#options.sleep ?? 1_000) - (this.#clock.now() - roundStart));
      if (!this.#stopping && wait > 0) await this.#idle(wait);
    }
  }

  /**
   * Fetched but never started because the worker is stopping: handed back so another worker gets
   * them at once. A receiver that cannot release, or fails to, leaves them claimed until its
   * redelivery timeout, which loses nothing.
   */
  async #release(name: string, receiver: Receiver, envelopes: readonly Envelope[]): Promise<void> {
    if (!isReleasableReceiver(receiver)) return;
    try {
      await receiver.release(envelopes);
    } catch (error) {
      this.#logger.warn(
        { transport: name, count: envelopes.length, error },
        "Could not hand back unstarted messages; they are delivered again after the redelivery timeout",
      );
    }
  }

  /**
   * Sleeps until the next round; receivers that can announce new messages (LISTEN/NOTIFY, blocking
   * reads) cut the sleep short, so an idle worker reacts at once instead of at the next poll.
   */
  async #idle(wait: number): Promise<void> {
    const idle = new AbortController();
    this.#idleSleep = idle;
    const waits: Promise<void>[] = [this.#clock.sleep(wait, idle.signal)];
    for (const receiver of this.#receivers.values()) {
      if (isMessageWaiter(receiver)) waits.push(receiver.waitForMessages(wait, idle.signal));
    }
    await Promise.race(waits);
    this.#idleSleep = undefined;
    // The sleeps that lost the race are ended once the event loop turns, after this round's
    // fetch is on its way: tearing down timers and listeners first would delay the wake-up.
    immediate(() => idle.abort(IDLE_OVER));
  }

  /** Fetches from one receiver; a backend failure is logged and treated as an empty answer. */
  async #get(name: string, receiver: Receiver): Promise<readonly Envelope[]> {
    try {
      const queues = this.#options.queues;
      return queues && queues.length > 0 && isQueueReceiver(receiver)
        ? await receiver.getFromQueues(queues)
        : await receiver.get();
    } catch (error) {
      // A database or broker restart must not kill the worker: try again after the idle sleep.
      this.#logger.error({ transport: name, error }, "Could not receive messages; will try again");
      return [];
    }
  }

  async #rateLimit(name: string): Promise<void> {
    const limiter = this.#options.rateLimiters?.get(name);
    if (!limiter) return;
    let wait: number;
    try {
      wait = await limiter.reserve();
    } catch (error) {
      // A shared limiter's store being down must not stop the worker: handle without waiting.
      this.#logger.warn({ transport: name, error }, "Rate limiter unavailable; handling without limit");
      return;
    }
    if (wait <= 0) return;
    this.#logger.info({ transport: name, waitMs: wait }, "Transport is rate limited; waiting");
    await this.#events.dispatch(new WorkerRateLimitedEvent(name, wait));
    await this.#clock.sleep(wait);
  }

  #start(envelope: Envelope, name: string, receiver: Receiver): void {
    const task = this.#handle(envelope, name, receiver).finally(() => {
      this.#inFlight.delete(task);
      this.#wakeSlotWaiters();
    });
    this.#inFlight.add(task);
  }

  async #freeSlot(): Promise<void> {
    while (this.#mustWaitForSlot()) {
      await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
    }
  }

  #mustWaitForSlot(): boolean {
    // Acknowledgements still on their way count against a bound too: a slow backend slows intake.
    return (
      !this.#stopping &&
      (this.#inFlight.size >= this.#concurrency || this.#finishing.size >= MAX_PENDING_ACKS)
    );
  }

  #wakeSlotWaiters(): void {
    const waiters = this.#slotWaiters;
    this.#slotWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits for the handlers in flight and the acknowledgements they started; an abort cuts it short. */
  async #drain(): Promise<void> {
    const aborted = new Promise<void>((resolve) => {
      if (this.#aborted) resolve();
      this.#abortedSignal.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    while (!this.#aborted && (this.#inFlight.size > 0 || this.#finishing.size > 0)) {
      await Promise.race([Promise.all([...this.#inFlight, ...this.#finishing]), aborted]);
    }
  }

  async #handle(received: Envelope, name: string, receiver: Receiver): Promise<void> {
    const event = await this.#events.dispatch(new WorkerMessageReceivedEvent(received, name));
    if (!event.shouldHandle()) return;
    let acked = false;
    const ackStamp = new AckStamp((envelope, error) => {
      acked = true;
      this.#finishLater(envelope, name, receiver, error);
    });
    const envelope = event.envelope.with(new ReceivedStamp(name), new ConsumedByWorkerStamp(), ackStamp);
    const entry: InHandMessage = { envelope, receiverName: name, receiver };
    this.#inHand.add(entry);
    this.#logger.debug({ transport: name, ...describe(envelope) }, "Received message");
    let result = envelope;
    let error: Error | undefined;
    const poison = envelope.last(DeliveryLimitExceededStamp);
    if (poison) {
      // Its earlier deliveries all ended with the worker gone: a handler must not get it again.
      error = new DeliveryLimitExceededError(poison.deliveries, poison.limit, name);
    } else {
      try {
        result = await this.#bus.dispatch(envelope);
      } catch (thrown) {
        error = thrown instanceof Error ? thrown : new Error(String(thrown));
      }
    }
    const configurationError = error && !acked ? findConfigurationError(error) : undefined;
    if (configurationError) {
      this.#inHand.delete(entry);
      await this.#stopOnConfigurationError(configurationError, envelope, name, receiver);
      return;
    }
    const noAutoAck = error ? undefined : result.last(NoAutoAckStamp);
    if (noAutoAck && !acked) {
      // One envelope per batch handler is enough to ask it to flush; the oldest hold time decides when.
      const batchHandler = noAutoAck.handlerDescriptor.getBatchHandler()!;
      const heldAt = this.#heldForBatch.get(batchHandler)?.heldAt ?? this.#clock.now();
      this.#heldForBatch.set(batchHandler, { ...entry, envelope: result, heldAt });
    } else {
      this.#inHand.delete(entry);
      if (!acked) {
        // A success is acknowledged in the background: the next message need not wait for the
        // round trip, and the transport can batch acknowledgements. A failure is finished first,
        // so its listeners (retry, failure transport, failure limit) run before the running event.
        if (error) await this.#finish(result, name, receiver, error);
        else this.#track(this.#finish(result, name, receiver));
      }
    }
    await this.#events.dispatch(new WorkerRunningEvent(this, false));
  }

  /**
   * A configuration error fails every message alike until the application is fixed: retrying
   * would only fill the failure transport. As Symfony's worker does when the container cannot
   * build a service, the worker stops and `run()` fails; the message is handed back (or stays
   * claimed until the redelivery timeout), neither rejected nor retried, and is handled once fixed.
   */
  async #stopOnConfigurationError(error: Error, envelope: Envelope, name: string, receiver: Receiver) {
    this.#logger.error(
      { transport: name, ...describe(envelope), error },
      "Configuration error: the worker stops; the message is neither retried nor rejected",
    );
    this.#configurationError ??= error;
    this.stop();
    await this.#release(name, receiver, [envelope]);
  }

  #track(task: Promise<void>): void {
    const tracked = task.finally(() => {
      this.#finishing.delete(tracked);
      this.#wakeSlotWaiters();
    });
    this.#finishing.add(tracked);
  }

  /** An acknowledgement that arrived through the ack stamp (batch handlers). */
  #finishLater(envelope: Envelope, name: string, receiver: Receiver, error?: Error): void {
    for (const entry of this.#inHand) {
      if (entry.envelope.message === envelope.message && entry.receiverName === name)
        this.#inHand.delete(entry);
    }
    this.#track(this.#finish(envelope, name, receiver, error));
  }

  /**
   * Acknowledges or rejects one message. After a failure the failed-event listeners run first; if
   * one of them throws (the retry copy could not be stored), the original is NOT rejected: it
   * stays claimed and comes back after the redelivery timeout, so nothing is lost.
   */
  async #finish(envelope: Envelope, name: string, receiver: Receiver, error?: Error): Promise<void> {
    if (this.#aborted) return;
    try {
      if (!error) {
        const handled = await this.#events.dispatch(new WorkerMessageHandledEvent(envelope, name));
        this.#logger.debug(
          { transport: name, ...describe(envelope) },
          "Message handled successfully (acknowledging to transport)",
        );
        await receiver.ack(handled.envelope);
        return;
      }
      let rejected = false;
      if (error instanceof RejectRedeliveredMessageError) {
        await receiver.reject(envelope);
        rejected = true;
      }
      const failedEnvelope = isEnvelopeAwareError(error) ? error.envelope : envelope;
      const failed = await this.#events.dispatch(new WorkerMessageFailedEvent(failedEnvelope, name, error));
      this.#logger.warn(
        { transport: name, ...describe(failed.envelope), error: error.message, willRetry: failed.willRetry },
        "Message failed",
      );
      if (!rejected) await receiver.reject(failed.envelope);
    } catch (finishError) {
      this.#logger.error(
        { transport: name, ...describe(envelope), error: finishError },
        "Could not acknowledge or reject the message; it will be delivered again",
      );
    }
  }

  /** Flushes the batch handlers holding messages; true when there was something to flush. */
  async #flush(force: boolean): Promise<boolean> {
    if (this.#heldForBatch.size === 0) return false;
    const held = [...this.#heldForBatch.entries()];
    this.#heldForBatch.clear();
    for (const [, entry] of held) {
      const envelope = entry.envelope.withoutAll(AckStamp).with(new FlushBatchHandlersStamp(force));
      try {
        await this.#bus.dispatch(envelope);
      } catch (error) {
        this.#logger.error({ transport: entry.receiverName, error }, "Flushing a batch handler failed");
      }
    }
    await this.#drain();
    return true;
  }

  /** While busy, messages held by batch handlers must not wait for an idle moment forever. */
  async #flushIfHeldTooLong(): Promise<void> {
    const limit = this.#options.batchFlushInterval ?? 30_000;
    const now = this.#clock.now();
    for (const entry of this.#heldForBatch.values()) {
      if (now - entry.heldAt >= limit) {
        await this.#flush(true);
        return;
      }
    }
  }
}
