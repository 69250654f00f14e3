import {
  type Clock,
  type CloseableTransport,
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  type KeepaliveReceiver,
  type Logger,
  LogicError,
  type MessageWaiter,
  NonSendableStamp,
  nullLogger,
  SentToFailureTransportStamp,
  systemClock,
  type Transport,
} from "@messenger-ts/core";
import { FailureEvent } from "./events/failure-event.js";
import { PostRunEvent } from "./events/post-run-event.js";
import { PreRunEvent } from "./events/pre-run-event.js";
import type { MessageContext } from "./message-context.js";
import type { MessageGenerator, ScheduledRun } from "./message-generator.js";
import { RedispatchMessage } from "./messages/redispatch-message.js";
import { ScheduleClaimStamp } from "./schedule-claim-stamp.js";
import { ScheduledStamp } from "./scheduled-stamp.js";

export interface ScheduleTransportOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * How long an emitted message may stay neither acknowledged nor rejected (a listener took it
   * over, acknowledging failed) before it is delivered again; keepalives push it back while a
   * handler runs. Milliseconds. @defaultValue 60000
   */
  readonly redeliveryTimeout?: number;
}

interface Claim {
  readonly envelope: Envelope;
  readonly run: ScheduledRun;
  deadline: number;
}

interface Retry {
  readonly envelope: Envelope;
  readonly dueAt: number;
}

/**
 * `schedule://<name>`, consumed as `scheduler_<name>`: a transport whose `get()` returns the due
 * runs of a schedule, each message with a {@link ScheduledStamp}.
 *
 * - Receive-only for new messages. `send()` takes back only the retry copies the retry listener
 *   makes of the messages it emitted, and holds them in memory until their delay passed: a
 *   scheduled message gets the transport's retry strategy and then its failure transport, which
 *   Symfony's cannot do. Retries kept in memory are lost if the worker dies; for durable retries
 *   redispatch the message to a real transport ({@link RedispatchMessage}).
 * - A run counts as done (and the checkpoint moves past it) once each of its messages was acked,
 *   rejected or cancelled by a `before` hook. Until then no later run is emitted.
 * - The schedule's hooks run here: `before` when a message is emitted, `after` on ack,
 *   `onFailure` on reject.
 * - An idle worker waits for the next run (`MessageWaiter`) instead of polling.
 */
export class ScheduleTransport implements Transport, MessageWaiter, KeepaliveReceiver, CloseableTransport {
  readonly redeliveryTimeout: number;
  readonly #generator: MessageGenerator;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #claims = new Map<ScheduleClaimStamp, Claim>();
  readonly #outstanding = new Map<ScheduledRun, number>();
  #retries: Retry[] = [];
  readonly #contexts = new WeakMap<ScheduledStamp, MessageContext>();
  /** Runs whose latest failure was sent for retry (set by `send`, read by the `reject` after it). */
  readonly #retried = new WeakSet<ScheduledStamp>();

  constructor(generator: MessageGenerator, options: ScheduleTransportOptions = {}) {
    this.#generator = generator;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
    this.redeliveryTimeout = options.redeliveryTimeout ?? 60_000;
  }

  get scheduleName(): string {
    return this.#generator.name;
  }

  get generator(): MessageGenerator {
    return this.#generator;
  }

  /** Retry copies waiting in memory. */
  get pendingRetries(): number {
    return this.#retries.length;
  }

  async get(): Promise<readonly Envelope[]> {
    const now = this.#clock.now();
    const out: Envelope[] = [];
    if (this.#retries.length > 0) await this.#dueRetries(now, out);
    for (const claim of this.#claims.values()) {
      if (claim.deadline > now) continue;
      claim.deadline = now + this.redeliveryTimeout;
      this.#logger.warn(
        { schedule: this.scheduleName, triggeredAt: claim.run.context.triggeredAt.toISOString() },
        "A scheduled message was neither acknowledged nor rejected in time; delivering it again",
      );
      out.push(claim.envelope);
    }
    if (this.#generator.hasPendingRuns) return out;
    let runs: readonly ScheduledRun[];
    try {
      runs = await this.#generator.getRuns();
    } catch (error) {
      // Retries and redeliveries already taken out must still be handed over.
      if (out.length === 0) throw error;
      this.#logger.error({ schedule: this.scheduleName, error }, "Could not compute the schedule's due runs");
      return out;
    }
    for (const run of runs) {
      let emitted = 0;
      for (const message of run.messages) {
        const stamp = ScheduledStamp.fromContext(run.context);
        this.#contexts.set(stamp, run.context);
        if (await this.#cancelled(run.context, message)) continue;
        const claim = new ScheduleClaimStamp();
        const envelope = Envelope.wrap(this.#withInnerStamp(message, stamp), [stamp, claim]);
        this.#claims.set(claim, { envelope, run, deadline: now + this.redeliveryTimeout });
        out.push(envelope);
        emitted++;
      }
      if (emitted === 0) await this.#generator.settle(run);
      else this.#outstanding.set(run, emitted);
    }
    return out;
  }

  async ack(envelope: Envelope): Promise<void> {
    await this.#settle(envelope);
    const context = this.#contextOf(envelope);
    if (context) await this.#hook(new PostRunEvent(this.#generator.schedule, context, envelope.message));
  }

  async reject(envelope: Envelope): Promise<void> {
    await this.#settle(envelope);
    const stamp = envelope.last(ScheduledStamp);
    const willRetry = stamp !== undefined && this.#retried.has(stamp);
    if (stamp) this.#retried.delete(stamp);
    const context = this.#contextOf(envelope);
    if (!context) return;
    const event = new FailureEvent(
      this.#generator.schedule,
      context,
      envelope.message,
      errorFrom(envelope.last(ErrorDetailsStamp)),
      willRetry,
    );
    await this.#hook(event);
  }

  /**
   * Takes back the retry copy of a message this transport emitted (the retry listener sends it
   * here). Anything else is refused: a schedule is not a queue.
   */
  async send(envelope: Envelope): Promise<Envelope> {
    const stamp = envelope.last(ScheduledStamp);
    if (!stamp || !this.#contexts.has(stamp) || envelope.has(SentToFailureTransportStamp)) {
      throw new LogicError(
        `The schedule transport of "${this.scheduleName}" is receive-only: it takes back only retries of the messages it emitted. Send messages to a real transport, or schedule a RedispatchMessage.`,
        { code: "SCHEDULE_TRANSPORT_SEND" },
      );
    }
    // As a real transport would store it: process-local stamps (our claim included) do not survive.
    const stored = envelope.withoutStampsOfType(NonSendableStamp);
    const delay = envelope.last(DelayStamp)?.delay ?? 0;
    this.#retries.push({ envelope: stored, dueAt: this.#clock.now() + delay });
    this.#retried.add(stamp);
    return stored;
  }

  async keepalive(envelope: Envelope): Promise<void> {
    const claim = envelope.last(ScheduleClaimStamp);
    const entry = claim && this.#claims.get(claim);
    if (entry) entry.deadline = this.#clock.now() + this.redeliveryTimeout;
    await this.#generator.keepalive();
  }

  /**
   * Resolves when the next run, retry or redelivery is due, after `maxWaitMs`, or when `signal`
   * aborts; the worker then polls `get()` at the right moment instead of on its fixed sleep.
   */
  async waitForMessages(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    const now = this.#clock.now();
    let until = now + maxWaitMs;
    for (const retry of this.#retries) until = Math.min(until, retry.dueAt);
    for (const claim of this.#claims.values()) until = Math.min(until, claim.deadline);
    if (!this.#generator.hasPendingRuns) {
      const next = this.#generator.waitUntil;
      if (next !== null) until = Math.min(until, next ?? now);
    }
    if (until > now) await this.#clock.sleep(until - now, signal);
  }

  /** Gives the schedule's lock up so another worker takes over at once. */
  async close(): Promise<void> {
    if (this.#retries.length > 0) {
      this.#logger.warn(
        { schedule: this.scheduleName, retries: this.#retries.length },
        "Closing the schedule transport drops the retries it held in memory",
      );
      this.#retries = [];
    }
    await this.#generator.close();
  }

  async #dueRetries(now: number, out: Envelope[]): Promise<void> {
    const due = this.#retries.filter((retry) => retry.dueAt <= now);
    if (due.length === 0) return;
    this.#retries = this.#retries.filter((retry) => retry.dueAt > now);
    for (const { envelope } of due) {
      const context = this.#contextOf(envelope);
      if (context && (await this.#cancelled(context, envelope.message))) continue;
      out.push(envelope);
    }
  }

  /** Marks the delivery done; the run is settled when its last message is. */
  async #settle(envelope: Envelope): Promise<void> {
    const claim = envelope.last(ScheduleClaimStamp);
    const entry = claim && this.#claims.get(claim);
    if (!claim || !entry) return;
    this.#claims.delete(claim);
    const left = (this.#outstanding.get(entry.run) ?? 1) - 1;
    if (left > 0) {
      this.#outstanding.set(entry.run, left);
      return;
    }
    this.#outstanding.delete(entry.run);
    await this.#generator.settle(entry.run);
  }

  #withInnerStamp(message: object, stamp: ScheduledStamp): object {
    // The redispatched message carries the run too, so its handler on the real transport sees it.
    if (!(message instanceof RedispatchMessage)) return message;
    return new RedispatchMessage(Envelope.wrap(message.message, [stamp]), message.transportNames);
  }

  #contextOf(envelope: Envelope): MessageContext | undefined {
    const stamp = envelope.last(ScheduledStamp);
    return stamp && this.#contexts.get(stamp);
  }

  async #cancelled(context: MessageContext, message: object): Promise<boolean> {
    const event = new PreRunEvent(this.#generator.schedule, context, message);
    await this.#hook(event);
    return event.shouldCancel();
  }

  /** A failing hook is logged: it must not stop the schedule or lose the run's bookkeeping. */
  async #hook(event: PreRunEvent | PostRunEvent | FailureEvent): Promise<void> {
    try {
      await this.#generator.schedule.events.dispatch(event);
    } catch (error) {
      this.#logger.error(
        { schedule: this.scheduleName, hook: event.constructor.name, error },
        "A schedule hook failed",
      );
    }
  }
}

/** The error a failed message's details describe (the transport never sees the error itself). */
function errorFrom(details: ErrorDetailsStamp | undefined): Error {
  if (!details) return new Error("The scheduled message failed (no error details were recorded).");
  const error = new Error(details.errorMessage) as Error & { code?: string };
  error.name = details.errorClass;
  if (details.errorCode !== null) error.code = details.errorCode;
  if (details.stack !== null) error.stack = details.stack;
  return error;
}
