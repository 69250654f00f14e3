import type { BatchHandler } from "../batch/batch-handler.js";
import type { MessageBus } from "../bus/message-bus.js";
import { type Clock, systemClock } from "../clock/clock.js";
import type { ConcurrencyLease, ConcurrencyLimiter } from "../concurrency-limit/concurrency-limiter.js";
import type { Envelope } from "../envelope/envelope.js";
import { isEnvelopeAwareError } from "../envelope-errors/envelope-aware-error.js";
import { findConfigurationError } from "../errors/configuration-error.js";
import { DeliveryLimitExceededError } from "../errors/delivery-limit-exceeded-error.js";
import { LogicError } from "../errors/logic-error.js";
import { RejectRedeliveredMessageError } from "../errors/reject-redelivered-message-error.js";
import { TransportOutageLimitError } from "../errors/transport-outage-limit-error.js";
import { WorkerStopTimeoutError } from "../errors/worker-stop-timeout-error.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { assertTimeout } from "../message/assert-timeout.js";
import { AckStamp } from "../stamps/ack-stamp.js";
import { ConsumedByWorkerStamp } from "../stamps/consumed-by-worker-stamp.js";
import { DeliveryLimitExceededStamp } from "../stamps/delivery-limit-exceeded-stamp.js";
import { FlushBatchHandlersStamp } from "../stamps/flush-batch-handlers-stamp.js";
import { HandlerCancellationStamp } from "../stamps/handler-cancellation-stamp.js";
import { NoAutoAckStamp } from "../stamps/no-auto-ack-stamp.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";
import { TransportMessageIdStamp } from "../stamps/transport-message-id-stamp.js";
import { isConcurrencyAwareReceiver } from "../transport/capabilities/concurrency-aware-receiver.js";
import { isMessageWaiter } from "../transport/capabilities/message-waiter.js";
import { isQueueReceiver } from "../transport/capabilities/queue-receiver.js";
import { isReleasableReceiver } from "../transport/capabilities/releasable-receiver.js";
import type { Receiver } from "../transport/receiver.js";
import type { WorkerEventSource } from "./events/worker-event.js";
import { WorkerMessageAbandonedEvent } from "./events/worker-message-abandoned-event.js";
import { WorkerMessageFailedEvent } from "./events/worker-message-failed-event.js";
import { WorkerMessageHandledEvent } from "./events/worker-message-handled-event.js";
import { WorkerMessageReceivedEvent } from "./events/worker-message-received-event.js";
import { WorkerRateLimitedEvent } from "./events/worker-rate-limited-event.js";
import { WorkerRunningEvent } from "./events/worker-running-event.js";
import { WorkerStartedEvent } from "./events/worker-started-event.js";
import { WorkerStoppedEvent } from "./events/worker-stopped-event.js";
import {
  type TransportOperation,
  WorkerTransportFailedEvent,
} from "./events/worker-transport-failed-event.js";
import { WorkerTransportPausedEvent } from "./events/worker-transport-paused-event.js";
import { WorkerTransportRecoveredEvent } from "./events/worker-transport-recovered-event.js";
import { WorkerTransportResumedEvent } from "./events/worker-transport-resumed-event.js";
import { KeepaliveTimer } from "./keepalive-timer.js";
import { raceSignal } from "./race-signal.js";
import { StopRace } from "./stop-race.js";
import { TransportOutages } from "./transport-outages.js";
import { type PauseChanges, type PauseReadings, TransportPauses } from "./transport-pauses.js";
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
const setRefdInterval = globalThis.setInterval;
const clearRefdInterval = globalThis.clearInterval;
const yieldToEventLoop = (): Promise<void> => new Promise<void>((resolve) => immediate(resolve));

/**
 * The reason an idle wait's losing sleeps are aborted with. `abort()` without a reason builds a
 * `DOMException`, stack trace included, on every wake-up: a visible share of an idle worker's
 * latency (measured in docs/performance.md).
 */
const IDLE_OVER: unknown = Object.freeze({ reason: "the worker's idle wait is over" });

/** What `#get` answers when the worker was asked to stop before the receiver did. */
const STOPPED = Symbol("stopped");

const DEFAULT_OUTAGE_REPORT_INTERVAL = 30_000;

/**
 * How often a worker whose transport is at its shared concurrency limit asks for a free slot
 * again: slots are freed by other processes, which announce nothing.
 */
const LEASE_POLL_INTERVAL = 50;

function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

function assertDuration(name: string, value: number | undefined, allowZero: boolean): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new LogicError(
      `The worker option "${name}" must be a number of milliseconds ${allowZero ? ">= 0" : "> 0"}, got ${String(value)}.`,
      { code: "INVALID_WORKER_OPTION" },
    );
  }
}

/** The `handlerTimeout` option for one transport, checked. */
function handlerTimeoutFor(option: WorkerOptions["handlerTimeout"], name: string): number | undefined {
  const timeout = typeof option === "object" && option !== null ? option[name] : option;
  assertTimeout(
    timeout,
    `The worker option "handlerTimeout"${typeof option === "object" ? ` for "${name}"` : ""}`,
    "INVALID_WORKER_OPTION",
  );
  return timeout;
}

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
  /** False for the null logger: a debug line per message is then not even put together. */
  readonly #logsDebug: boolean;
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
  /** Aborted by stop(): ends a rate limiter's wait and a wait for a shared concurrency slot. */
  readonly #stopSignal = new AbortController();
  /** Stopped by stop(): ends the race of a hanging get(), without a signal listener per fetch. */
  readonly #fetchRace = new StopRace();
  #idleSleep: AbortController | undefined;
  #metadata: WorkerMetadata;
  /** What `run()` rejects with once stopped: the first error that made the worker stop. */
  #failure: Error | undefined;
  #running = false;
  #gracePeriodStarted = false;
  /** Aborted when run() ends: cancels the grace period's timer. */
  #runEnded = new AbortController();
  /** Messages in hand at the abort, reported when run() ends. */
  #abandoned: InHandMessage[] = [];
  /** Fetched and waiting for a slot: a stopping loop hands them back, so an abort does not abandon them. */
  readonly #unstarted = new Set<InHandMessage>();
  readonly #outages: TransportOutages;
  /** Failed ack()/reject() calls per receiver: a batch stops starting messages once its count moves. */
  readonly #finishFailures = new Map<string, number>();
  readonly #pauses: TransportPauses;
  /** Whether the pause state was read once: until then a round waits for the read. */
  #pausesRead = false;
  /** A look at the pause state running beside the rounds, if any. */
  #pauseLook: Promise<void> | undefined;
  /** What the last look beside the rounds found, taken on at the next round's start. */
  #pauseReadings: PauseReadings | undefined;
  /** Transports whose shared concurrency limiter could not be reached: warned about once per outage. */
  readonly #leaseTrouble = new Set<string>();
  /** Per receiver: its handler timeout and the hard-stop signal, put on every message it hands over. */
  readonly #cancellation = new Map<string, HandlerCancellationStamp>();

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
    assertDuration("gracePeriod", options.gracePeriod, true);
    assertDuration("outageLimit", options.outageLimit, false);
    assertDuration("outageReportInterval", options.outageReportInterval, false);
    this.#receivers = receivers;
    this.#bus = options.bus ?? bus;
    this.#events = events;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
    this.#logsDebug = this.#logger !== nullLogger;
    this.#options = options;
    this.#concurrency = concurrency;
    this.#metadata = { transportNames: [...receivers.keys()], queueNames: options.queues, startedAt: 0 };
    for (const name of receivers.keys()) {
      const timeout = handlerTimeoutFor(options.handlerTimeout, name);
      this.#cancellation.set(name, new HandlerCancellationStamp(this.#abortedSignal.signal, timeout));
    }
    this.#outages = new TransportOutages(options.outageReportInterval ?? DEFAULT_OUTAGE_REPORT_INTERVAL);
    this.#pauses = new TransportPauses(receivers, options.sleep ?? 1_000);
  }

  get metadata(): WorkerMetadata {
    return this.#metadata;
  }

  /** Messages currently in handlers or held by batch handlers. */
  get inHand(): readonly InHandMessage[] {
    return [...this.#inHand];
  }

  /**
   * Stop fetching; finish, acknowledge and flush what is in hand, then `run()` resolves. With a
   * grace period, the worker aborts when that takes longer (see {@link WorkerOptions.gracePeriod}).
   */
  stop(): void {
    this.#stopping = true;
    this.#stopSignal.abort();
    this.#fetchRace.stop();
    this.#idleSleep?.abort();
    this.#wakeSlotWaiters();
    if (this.#running) this.#startGracePeriod();
  }

  /**
   * Stop at once without acknowledging or rejecting what is in hand: those messages stay claimed
   * and are delivered again after the transport's redelivery timeout, and each one is logged at
   * error level. An acknowledgement already sent to the transport completes; none is half done.
   */
  abort(): void {
    if (!this.#aborted && this.#running) {
      this.#abandoned = [...this.#inHand].filter((entry) => !this.#unstarted.has(entry));
    }
    this.#aborted = true;
    this.#abortedSignal.abort();
    this.stop();
  }

  #startGracePeriod(): void {
    const gracePeriod = this.#options.gracePeriod;
    if (gracePeriod === undefined || this.#gracePeriodStarted || this.#aborted) return;
    this.#gracePeriodStarted = true;
    const runEnded = this.#runEnded.signal;
    void this.#clock.sleep(gracePeriod, runEnded).then(() => {
      if (runEnded.aborted || this.#aborted) return;
      this.#logger.error(
        { gracePeriod, inHand: this.#inHand.size, pendingAcknowledgements: this.#finishing.size },
        "The worker's grace period is over; it aborts",
      );
      this.abort();
      this.#failure ??= new WorkerStopTimeoutError(gracePeriod, this.#abandoned.length);
    });
  }

  get isStopping(): boolean {
    return this.#stopping;
  }

  /**
   * Runs until stopped. Rejects, once stopped, with what made it stop on a failure, so that a
   * console command exits with one: a configuration error (a handler the container cannot build,
   * credentials the transport's backend refuses), `TransportOutageLimitError` or
   * `WorkerStopTimeoutError`. Resolves after `stop()`, and after `abort()` called from outside.
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
    // A backend that pushes messages ahead (AMQP's prefetch) holds no more than the worker can start.
    for (const receiver of this.#receivers.values()) {
      if (isConcurrencyAwareReceiver(receiver)) receiver.setWorkerConcurrency(this.#concurrency);
    }
    const keepalive = new KeepaliveTimer(
      this.#receivers,
      () => this.#inHand,
      this.#options.keepaliveInterval,
      this.#logger,
    );
    keepalive.start();
    // A ref'd handle for as long as the worker runs: a handler awaiting a promise that never
    // settles would otherwise leave Node with nothing to wait for, and it would exit with code 13
    // ("unsettled top-level await") instead of hanging until the grace period aborts the worker.
    const alive = setRefdInterval(() => {}, 3_600_000);
    this.#running = true;
    if (this.#stopping) this.#startGracePeriod();
    try {
      const work = this.#work();
      // After an abort, whatever the abandoned work still throws concerns nobody.
      work.catch(() => {});
      await raceSignal(work, this.#abortedSignal.signal, undefined);
    } finally {
      this.#running = false;
      this.#runEnded.abort();
      keepalive.stop();
      clearRefdInterval(alive);
    }
    await this.#reportAbandoned();
    await this.#events.dispatch(new WorkerStoppedEvent(this));
    this.#logger.info({ aborted: this.#aborted }, "Worker stopped");
    if (this.#failure) throw this.#failure;
  }

  async #work(): Promise<void> {
    await this.#events.dispatch(new WorkerStartedEvent(this));
    this.#logger.info({ transports: this.#metadata.transportNames }, "Worker started");
    await this.#loop();
    if (!this.#aborted) await this.#drain();
    if (!this.#aborted) await this.#flush(true);
  }

  /** One error line and one event per message the abort left claimed: an operator must see them. */
  async #reportAbandoned(): Promise<void> {
    const abandoned = this.#abandoned;
    this.#abandoned = [];
    for (const { envelope, receiverName } of abandoned) {
      this.#logger.error(
        { transport: receiverName, ...describe(envelope) },
        "Abandoned message: neither acknowledged nor rejected; it will be delivered again after the transport's redelivery timeout",
      );
      await this.#events.dispatch(new WorkerMessageAbandonedEvent(envelope, receiverName));
    }
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      const roundStart = this.#clock.now();
      if (this.#pauses.enabled) await this.#lookAtPauses(roundStart);
      let fetched = false;
      // A batch cut short because acknowledgements fail: pause as an empty round does, instead of
      // fetching (and handling again) what was just handed back.
      let finishTrouble = false;
      /** Receivers paused or at their shared concurrency limit: not fetched, not watched while idle. */
      const skipped = new Set<Receiver>();
      let capped = false;
      for (const [name, receiver] of this.#receivers) {
        if (this.#pauses.isPaused(name)) {
          skipped.add(receiver);
          continue;
        }
        // Awaited only when there is something to wait for, as for each message below.
        if (this.#mustWaitForSlot()) await this.#freeSlot();
        if (this.#stopping) break;
        // A slot of the shared limit first: without one, fetching would only hold messages back
        // from the workers that have slots.
        const limiter = this.#options.concurrencyLimiters?.get(name);
        let lease: ConcurrencyLease | undefined;
        if (limiter) {
          lease = await this.#tryLease(name, limiter);
          if (!lease) {
            capped = true;
            skipped.add(receiver);
            continue;
          }
        }
        const envelopes = await this.#get(name, receiver);
        if (envelopes.length === 0) {
          if (lease) this.#track(lease.release());
          continue;
        }
        fetched = true;
        // Fetched messages are claimed: keep them alive while they wait for a free slot too.
        const waiting = envelopes.map((envelope) => ({ envelope, receiverName: name, receiver }));
        for (const entry of waiting) {
          this.#inHand.add(entry);
          this.#unstarted.add(entry);
        }
        let startsSinceTurn = 0;
        const unstarted: Envelope[] = [];
        const finishFailuresAtFetch = this.#finishFailures.get(name) ?? 0;
        let finishFailed = false;
        let atLimit = false;
        for (const entry of waiting) {
          if (++startsSinceTurn > STARTS_BETWEEN_TURNS) {
            startsSinceTurn = 1;
            await yieldToEventLoop();
          }
          // Awaited only when there is something to wait for: each await costs a few microtasks.
          if (this.#mustWaitForSlot()) await this.#freeSlot();
          if (!this.#stopping && this.#options.rateLimiters?.has(name)) await this.#rateLimit(name);
          let entryLease = lease;
          lease = undefined;
          if (limiter && !entryLease && !this.#stopping && !atLimit) {
            // Every slot held: a receiver that can hand the rest of the batch back does, so that
            // the worker that gets the next free slot handles them; another waits for a slot.
            entryLease = isReleasableReceiver(receiver)
              ? await this.#tryLease(name, limiter)
              : await this.#waitForLease(name, limiter);
            atLimit = entryLease === undefined;
            if (atLimit) {
              capped = true;
              skipped.add(receiver);
            }
          }
          this.#inHand.delete(entry);
          this.#unstarted.delete(entry);
          // An acknowledgement to this transport failed since the batch was fetched: what is
          // started now would most likely be handled again after the redelivery timeout.
          finishFailed ||= (this.#finishFailures.get(name) ?? 0) > finishFailuresAtFetch;
          if (this.#stopping || finishFailed || atLimit) {
            if (entryLease) this.#track(entryLease.release());
            unstarted.push(entry.envelope);
            continue;
          }
          this.#start(entry.envelope, name, receiver, entryLease);
        }
        if (finishFailed && unstarted.length > 0) {
          this.#logger.warn(
            { transport: name, count: unstarted.length },
            "Acknowledgements to the transport fail: the rest of the fetched batch is not started but handed back (or left claimed until the redelivery timeout)",
          );
        }
        if (unstarted.length > 0) await this.#release(name, receiver, unstarted);
        finishTrouble = finishFailed;
        break; // priority: start again from the first receiver
      }
      if (this.#stopping) break;
      if (fetched && !finishTrouble) {
        if (this.#heldForBatch.size > 0) await this.#flushIfHeldTooLong();
        // The rest of a batch went back at the limit: wait for a slot rather than fetch it again at once.
        if (capped && !this.#stopping) await this.#idle(LEASE_POLL_INTERVAL, skipped);
        continue;
      }
      if (!finishTrouble) {
        if (await this.#flush(false)) continue;
        await this.#events.dispatch(new WorkerRunningEvent(this, true));
      }
      let wait = Math.max(0, (this.#options.sleep ?? 1_000) - (this.#clock.now() - roundStart));
      if (capped) wait = Math.min(wait, LEASE_POLL_INTERVAL);
      if (!this.#stopping && wait > 0) await this.#idle(wait, skipped);
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
  async #idle(wait: number, skipped: ReadonlySet<Receiver>): Promise<void> {
    const idle = new AbortController();
    this.#idleSleep = idle;
    const waits: Promise<void>[] = [this.#clock.sleep(wait, idle.signal)];
    for (const receiver of this.#receivers.values()) {
      // A paused or capped receiver's waiting messages must not wake the worker it cannot fetch for.
      if (!skipped.has(receiver) && isMessageWaiter(receiver)) {
        waits.push(receiver.waitForMessages(wait, idle.signal));
      }
    }
    await Promise.race(waits);
    this.#idleSleep = undefined;
    // The sleeps that lost the race are ended once the event loop turns, after this round's
    // fetch is on its way: tearing down timers and listeners first would delay the wake-up.
    immediate(() => idle.abort(IDLE_OVER));
  }

  /**
   * Fetches from one receiver; a backend failure is reported and treated as an empty answer. A
   * fetch that hangs (a client retrying while its server is down, a pool waiting for a
   * connection) loses the race against stop(), so that a time limit or a signal still stops the
   * worker: what it returns later is handed back when the receiver can, else left claimed.
   */
  async #get(name: string, receiver: Receiver): Promise<readonly Envelope[]> {
    let pending: Promise<readonly Envelope[]>;
    try {
      const queues = this.#options.queues;
      pending =
        queues && queues.length > 0 && isQueueReceiver(receiver)
          ? receiver.getFromQueues(queues)
          : receiver.get();
    } catch (error) {
      pending = Promise.reject(error);
    }
    let outcome: readonly Envelope[] | typeof STOPPED;
    let failure: Error | undefined;
    try {
      outcome = await this.#fetchRace.race(pending, STOPPED);
    } catch (error) {
      outcome = [];
      failure = toError(error);
    }
    if (outcome === STOPPED) {
      pending.then(
        (late) => (late.length > 0 ? this.#release(name, receiver, late) : undefined),
        () => {},
      );
      return [];
    }
    if (failure) {
      const configurationError = findConfigurationError(failure);
      if (configurationError) {
        // Credentials the backend refuses do not get better by waiting: fail, so a supervisor alerts.
        this.#logger.error(
          { transport: name, error: configurationError },
          "Transport configuration error: the worker stops",
        );
        this.#failure ??= configurationError;
        this.stop();
        return [];
      }
      // A database or broker restart must not kill the worker: try again after the idle sleep.
      await this.#transportFailed(name, "receive", failure);
      return [];
    }
    const recovered = this.#transportSucceeded(name, "receive");
    if (recovered) await recovered;
    return outcome;
  }

  /**
   * Reports a failed call to a transport (throttled: the first failure, then a reminder per
   * report interval) and stops the worker once the outage is longer than the outage limit.
   */
  async #transportFailed(name: string, operation: TransportOperation, error: Error): Promise<void> {
    const { report, downFor, failures } = this.#outages.failed(name, operation, this.#clock.now());
    const doing = operation === "receive" ? "receive messages from" : "acknowledge messages to";
    if (report) {
      this.#logger.error(
        { transport: name, operation, downForMs: downFor, failures, error },
        failures === 1
          ? `Could not ${doing} transport "${name}"; will try again`
          : `Still cannot ${doing} transport "${name}" after ${Math.round(downFor / 1000)} s; will try again`,
      );
      await this.#events.dispatch(new WorkerTransportFailedEvent(name, operation, error, downFor, failures));
    } else {
      this.#logger.debug(
        { transport: name, operation, failures, error },
        `Could not ${doing} transport "${name}"`,
      );
    }
    const limit = this.#options.outageLimit;
    if (limit !== undefined && downFor > limit && !this.#failure) {
      this.#failure = new TransportOutageLimitError(name, downFor, limit, { cause: error });
      this.#logger.error(
        { transport: name, operation, downForMs: downFor, outageLimit: limit },
        "Transport outage longer than the outage limit: the worker stops",
      );
      this.stop();
    }
  }

  /** Undefined (nothing to await) unless this success ends an outage. */
  #transportSucceeded(name: string, operation: TransportOperation): Promise<void> | undefined {
    const downFor = this.#outages.succeeded(name, operation, this.#clock.now());
    return downFor === undefined ? undefined : this.#recovered(name, operation, downFor);
  }

  async #recovered(name: string, operation: TransportOperation, downFor: number): Promise<void> {
    this.#logger.warn(
      { transport: name, operation, downForMs: downFor },
      `Transport "${name}" is reachable again after ${Math.round(downFor / 1000)} s`,
    );
    await this.#events.dispatch(new WorkerTransportRecoveredEvent(name, operation, downFor));
  }

  /** ack() or reject() on the receiver, counted for the transport's outage and for the batch in hand. */
  async #settle(name: string, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.#finishFailures.set(name, (this.#finishFailures.get(name) ?? 0) + 1);
      await this.#transportFailed(name, "acknowledge", toError(error));
      throw error;
    }
    const recovered = this.#transportSucceeded(name, "acknowledge");
    if (recovered) await recovered;
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
    await this.#clock.sleep(wait, this.#stopSignal.signal);
  }

  /**
   * The first look at the pause state is awaited, so a worker started on a paused transport never
   * fetches from it. Later looks (at most one per check interval) read the stores beside the
   * rounds, and what they found takes effect, and is announced, at the start of the round after:
   * a round that waited for the pause store's round trip delayed the fetch it was started for,
   * one wake-up of an idle worker in every check interval. Taking effect only at a round's start
   * keeps what the worker announces true: once it said a transport is paused, it fetches nothing
   * more from it. A pause is noticed within the interval and a round either way.
   */
  async #lookAtPauses(now: number): Promise<void> {
    if (!this.#pausesRead) {
      await this.#refreshPauses(now);
      this.#pausesRead = true;
      return;
    }
    const readings = this.#pauseReadings;
    if (readings) {
      this.#pauseReadings = undefined;
      await this.#announcePauses(this.#pauses.apply(readings));
    }
    if (this.#pauseLook || !this.#pauses.isDue(now)) return;
    this.#pauseLook = this.#pauses
      .read(now, (error) =>
        this.#logger.warn({ error }, "Could not read which transports are paused; will look again"),
      )
      .then((found) => {
        this.#pauseReadings = found;
      })
      .finally(() => {
        this.#pauseLook = undefined;
      });
  }

  /** Reads the pause state (throttled), and logs and announces what changed. */
  async #refreshPauses(now: number): Promise<void> {
    await this.#announcePauses(
      await this.#pauses.refresh(now, (error) =>
        this.#logger.warn({ error }, "Could not read which transports are paused; will look again"),
      ),
    );
  }

  /** Logs and announces what a look at the pause state changed. */
  async #announcePauses({ paused, resumed }: PauseChanges): Promise<void> {
    for (const name of paused) {
      this.#logger.info(
        { transport: name },
        `Transport "${name}" is paused: the worker stops fetching from it`,
      );
      await this.#events.dispatch(new WorkerTransportPausedEvent(name));
    }
    for (const name of resumed) {
      this.#logger.info(
        { transport: name },
        `Transport "${name}" was resumed: the worker fetches from it again`,
      );
      await this.#events.dispatch(new WorkerTransportResumedEvent(name));
    }
  }

  /**
   * A slot of the transport's shared concurrency limit, or undefined when all are held. A store
   * that cannot be reached counts as full: the limit is a promise, and the worker tries again.
   */
  async #tryLease(name: string, limiter: ConcurrencyLimiter): Promise<ConcurrencyLease | undefined> {
    try {
      const lease = await limiter.tryAcquire();
      if (this.#leaseTrouble.delete(name)) {
        this.#logger.info({ transport: name }, "Shared concurrency limiter reachable again");
      }
      return lease;
    } catch (error) {
      if (!this.#leaseTrouble.has(name)) {
        this.#leaseTrouble.add(name);
        this.#logger.warn(
          { transport: name, error },
          "Shared concurrency limiter unreachable; the transport's messages wait until it answers",
        );
      }
      return undefined;
    }
  }

  /** Asks for a slot until one is free; undefined only when the worker stops meanwhile. */
  async #waitForLease(name: string, limiter: ConcurrencyLimiter): Promise<ConcurrencyLease | undefined> {
    while (!this.#stopping) {
      const lease = await this.#tryLease(name, limiter);
      if (lease) return lease;
      await this.#clock.sleep(LEASE_POLL_INTERVAL, this.#stopSignal.signal);
    }
    return undefined;
  }

  #start(envelope: Envelope, name: string, receiver: Receiver, lease?: ConcurrencyLease): void {
    const task = this.#handle(envelope, name, receiver).finally(() => {
      // Tracked like an acknowledgement: a stopping worker gives its slots back before it ends,
      // rather than leaving them to expire.
      if (lease) this.#track(lease.release());
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
    while (!this.#aborted && (this.#inFlight.size > 0 || this.#finishing.size > 0)) {
      await raceSignal(
        Promise.all([...this.#inFlight, ...this.#finishing]),
        this.#abortedSignal.signal,
        undefined,
      );
    }
  }

  async #handle(received: Envelope, name: string, receiver: Receiver): Promise<void> {
    let incoming = received;
    // Without listeners the event changes nothing: not built, not awaited (a few microtasks a message).
    if (this.#events.hasListeners(WorkerMessageReceivedEvent)) {
      const event = await this.#events.dispatch(new WorkerMessageReceivedEvent(received, name));
      if (!event.shouldHandle()) return;
      incoming = event.envelope;
    }
    let acked = false;
    const ackStamp = new AckStamp((envelope, error) => {
      acked = true;
      this.#finishLater(envelope, name, receiver, error);
    });
    const envelope = incoming.with(
      new ReceivedStamp(name),
      new ConsumedByWorkerStamp(),
      ackStamp,
      this.#cancellation.get(name)!,
    );
    const entry: InHandMessage = { envelope, receiverName: name, receiver };
    this.#inHand.add(entry);
    if (this.#logsDebug) this.#logger.debug({ transport: name, ...describe(envelope) }, "Received message");
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
    this.#failure ??= error;
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
        const handled = this.#events.hasListeners(WorkerMessageHandledEvent)
          ? (await this.#events.dispatch(new WorkerMessageHandledEvent(envelope, name))).envelope
          : envelope;
        if (this.#logsDebug) {
          this.#logger.debug(
            { transport: name, ...describe(envelope) },
            "Message handled successfully (acknowledging to transport)",
          );
        }
        await this.#settle(name, () => receiver.ack(handled));
        return;
      }
      let rejected = false;
      if (error instanceof RejectRedeliveredMessageError) {
        await this.#settle(name, () => receiver.reject(envelope));
        rejected = true;
      }
      const failedEnvelope = isEnvelopeAwareError(error) ? error.envelope : envelope;
      const failed = await this.#events.dispatch(new WorkerMessageFailedEvent(failedEnvelope, name, error));
      this.#logger.warn(
        { transport: name, ...describe(failed.envelope), error: error.message, willRetry: failed.willRetry },
        "Message failed",
      );
      if (!rejected) await this.#settle(name, () => receiver.reject(failed.envelope));
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
