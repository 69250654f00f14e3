import { type Clock, type Logger, nullLogger, systemClock } from "@messenger-ts/core";
import { Checkpoint } from "./checkpoint.js";
import { MessageContext } from "./message-context.js";
import type { RecurringMessage } from "./recurring-message.js";
import type { Schedule } from "./schedule.js";
import type { ScheduleProvider } from "./schedule-provider.js";
import { TriggerHeap } from "./trigger-heap.js";
import { isStatefulTrigger } from "./triggers/trigger.js";

/** One due run of a recurring message, with the messages its provider gave for it. */
export interface ScheduledRun {
  readonly context: MessageContext;
  /** The recurring message's position in the schedule. */
  readonly index: number;
  readonly messages: readonly object[];
}

export interface MessageGeneratorOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The most runs one poll returns; the rest come at the next poll. @defaultValue 100 */
  readonly batchSize?: number;
}

interface Batch {
  readonly runs: readonly ScheduledRun[];
  readonly settled: boolean[];
  /** How many runs, from the first, are settled and saved. */
  saved: number;
}

/** After a store error, the generator waits this long before it tries again. */
const RETRY_AFTER_ERROR_MS = 1_000;

/**
 * Computes which runs of a schedule are due, in order, and moves the schedule's checkpoint
 * forward as they finish. Symfony's MessageGenerator, split in two steps because a worker here
 * takes a batch and acknowledges each message later:
 *
 * 1. `getRuns()` returns the due runs (in time order, ties by declaration order) and claims them
 *    as a batch. It returns nothing until that batch is settled, so runs never overlap and the
 *    checkpoint only moves forward.
 * 2. `settle(run)` marks a run finished (handled, failed for good or cancelled). The checkpoint is
 *    saved up to the last run of the batch's settled prefix. A worker that dies before that runs
 *    the run again on restart: at-least-once, as in Symfony.
 */
export class MessageGenerator {
  readonly name: string;
  readonly #provider: ScheduleProvider;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #batchSize: number;
  #schedule: Schedule | undefined;
  #checkpoint: Checkpoint | undefined;
  #heap: TriggerHeap | undefined;
  /** When the next run is due; undefined: poll now; null: no run left. */
  #waitUntil: number | null | undefined;
  #batch: Batch | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(name: string, provider: ScheduleProvider, options: MessageGeneratorOptions = {}) {
    this.name = name;
    this.#provider = provider;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
    this.#batchSize = options.batchSize ?? 100;
  }

  /** The schedule, from the provider on first use. */
  get schedule(): Schedule {
    this.#schedule ??= this.#provider.getSchedule();
    return this.#schedule;
  }

  get checkpoint(): Checkpoint {
    this.#checkpoint ??= new Checkpoint(
      this.name,
      this.#clock,
      this.schedule.getLock(),
      this.schedule.getState(),
    );
    return this.#checkpoint;
  }

  /** When `getRuns()` may next return something: undefined means now, null means never. */
  get waitUntil(): number | null | undefined {
    return this.#batch ? undefined : this.#waitUntil;
  }

  /** True while the last batch has runs not yet settled. */
  get hasPendingRuns(): boolean {
    return this.#batch !== undefined;
  }

  async getRuns(): Promise<ScheduledRun[]> {
    if (this.#batch) return [];
    const schedule = this.schedule;
    const now = this.#clock.now();
    if (schedule.shouldRestart()) {
      schedule.setRestart(false);
      this.#heap = undefined;
      this.#waitUntil = undefined;
    }
    if (this.#waitUntil === null || (this.#waitUntil !== undefined && now < this.#waitUntil)) return [];

    const checkpoint = this.checkpoint;
    let acquisition: Awaited<ReturnType<Checkpoint["acquire"]>>;
    try {
      acquisition = await checkpoint.acquire(now);
    } catch (error) {
      this.#waitUntil = now + RETRY_AFTER_ERROR_MS;
      throw error;
    }
    if (acquisition === "busy") {
      this.#heap = undefined;
      this.#waitUntil = now + schedule.getLock()!.retryInterval;
      return [];
    }
    if (acquisition === "acquired" || !this.#heap) this.#heap = this.#buildHeap(checkpoint);

    const runs = this.#popDue(this.#heap, now, checkpoint);
    this.#waitUntil = this.#heap.peek()?.time ?? null;
    if (runs.length === 0) {
      if (!(await checkpoint.hold(this.#waitUntil))) this.#lost();
      return [];
    }
    this.#batch = { runs, settled: runs.map(() => false), saved: 0 };
    return runs;
  }

  /** Marks a run of the current batch finished; saves the checkpoint as far as it can. */
  async settle(run: ScheduledRun): Promise<void> {
    const batch = this.#batch;
    const position = batch ? batch.runs.indexOf(run) : -1;
    if (!batch || position < 0 || batch.settled[position]) return;
    batch.settled[position] = true;
    let prefix = batch.saved;
    while (prefix < batch.runs.length && batch.settled[prefix]) prefix++;
    if (prefix === batch.saved) return;
    batch.saved = prefix;
    const last = batch.runs[prefix - 1]!;
    const done = prefix === batch.runs.length;
    // Saves run one after another, so the stored checkpoint never moves backwards.
    const save = this.#saving.then(() => this.#save(last, done));
    this.#saving = save.catch(() => {});
    try {
      await save;
    } finally {
      if (done && this.#batch === batch) this.#batch = undefined;
    }
  }

  /** Renews the lock while a scheduled message is being handled. */
  async keepalive(): Promise<void> {
    if (this.#checkpoint && !(await this.#checkpoint.keepalive())) this.#lost();
  }

  /** Gives the lock up (a worker stopping): another worker takes over the schedule. */
  async close(): Promise<void> {
    await this.#saving;
    await this.#checkpoint?.release();
  }

  async #save(run: ScheduledRun, batchDone: boolean): Promise<void> {
    const checkpoint = this.checkpoint;
    const time = run.context.triggeredAt.getTime();
    try {
      const nextRun = this.#waitUntil ?? null;
      if (!(await checkpoint.save(time, run.index, nextRun))) return this.#lost();
      if (batchDone && !(await checkpoint.hold(nextRun))) this.#lost();
    } catch (error) {
      // The next save writes a later position; until then a restart repeats these runs.
      this.#logger.error(
        { schedule: this.name, triggeredAt: run.context.triggeredAt.toISOString(), error },
        "Could not save the schedule's checkpoint",
      );
    }
  }

  /** Another worker took the schedule: forget what we computed, we are no longer its holder. */
  #lost(): void {
    this.#logger.warn({ schedule: this.name }, "The schedule's lock was lost to another worker");
    this.#heap = undefined;
    this.#waitUntil = undefined;
  }

  #buildHeap(checkpoint: Checkpoint): TriggerHeap {
    const heap = new TriggerHeap();
    const startedAt = new Date(checkpoint.from);
    for (const [index, message] of this.schedule.getRecurringMessages().entries()) {
      if (isStatefulTrigger(message.trigger)) message.trigger.continue(startedAt);
      // A message after the last saved one may still have a run due at the saved time itself.
      const after = checkpoint.index >= 0 && index > checkpoint.index ? checkpoint.time - 1 : checkpoint.time;
      const next = this.#nextRun(message, after);
      if (next !== null) heap.push({ time: next, index, message });
    }
    return heap;
  }

  #popDue(heap: TriggerHeap, now: number, checkpoint: Checkpoint): ScheduledRun[] {
    const runs: ScheduledRun[] = [];
    const lastTime = checkpoint.time;
    const lastIndex = checkpoint.index;
    const onlyLast = this.schedule.shouldProcessOnlyLastMissedRun();
    while (runs.length < this.#batchSize) {
      const top = heap.peek();
      if (!top || top.time > now) break;
      heap.pop();
      const { index, message } = top;
      let time = top.time;
      let emit = true;
      // Finished before a restart (saved in the checkpoint): skip.
      if (time < lastTime) {
        time = lastTime;
        emit = false;
      } else if (time === lastTime && index <= lastIndex) {
        emit = false;
      }
      let next = this.#nextRun(message, time);
      // One catch-up run (this one, the earliest missed), then straight to the first run from now.
      if (onlyLast) while (next !== null && next < now) next = this.#nextRun(message, next);
      if (next !== null) heap.push({ time: next, index, message });
      if (!emit) continue;
      const context = new MessageContext(
        this.name,
        message.id,
        message.trigger,
        new Date(time),
        next === null ? null : new Date(next),
      );
      runs.push({ context, index, messages: this.#messagesOf(message, context) });
    }
    return runs;
  }

  /** The next run after `after`; a trigger that fails or goes backwards is dropped, loudly. */
  #nextRun(message: RecurringMessage, after: number): number | null {
    try {
      const next = message.trigger.getNextRunDate(new Date(after));
      if (next === null) return null;
      const time = next.getTime();
      if (!(time > after)) {
        throw new Error(
          `it returned ${Number.isNaN(time) ? "an invalid date" : next.toISOString()}, not a date after ${new Date(after).toISOString()}`,
        );
      }
      return time;
    } catch (error) {
      this.#logger.error(
        { schedule: this.name, id: message.id, trigger: message.trigger.description, error },
        "The trigger failed; the recurring message is removed from this worker's schedule",
      );
      return null;
    }
  }

  #messagesOf(message: RecurringMessage, context: MessageContext): object[] {
    try {
      const messages = [...message.getMessages(context)];
      // A run handed out must be able to settle: what cannot be dispatched never leaves here.
      const dispatchable = messages.filter((m) => typeof m === "object" && m !== null && !Array.isArray(m));
      if (dispatchable.length < messages.length) {
        this.#logger.error(
          { schedule: this.name, id: message.id, triggeredAt: context.triggeredAt.toISOString() },
          "The message provider returned values that are not messages (objects); they are skipped",
        );
      }
      return dispatchable;
    } catch (error) {
      this.#logger.error(
        { schedule: this.name, id: message.id, triggeredAt: context.triggeredAt.toISOString(), error },
        "The message provider failed; this run sends nothing",
      );
      return [];
    }
  }
}
