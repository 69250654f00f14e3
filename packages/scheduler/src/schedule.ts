import { EventDispatcher, InvalidArgumentError, LogicError } from "@messenger-ts/core";
import { FailureEvent } from "./events/failure-event.js";
import { PostRunEvent } from "./events/post-run-event.js";
import { PreRunEvent } from "./events/pre-run-event.js";
import type { RecurringMessage } from "./recurring-message.js";
import type { ScheduleProvider } from "./schedule-provider.js";
import { type CheckpointStore, isCheckpointStore } from "./stores/checkpoint-store.js";
import { isLockStore, type LockStore } from "./stores/lock-store.js";

/** How a schedule's lock behaves. Durations in milliseconds. */
export interface ScheduleLockOptions {
  /**
   * How long the lock lasts when its holder stops renewing it (a crashed worker): the longest a
   * schedule can stall before another worker takes over. The holder renews it on every run and
   * keeps it until its next run, and keepalives renew it while a scheduled message is handled.
   * @defaultValue 60000
   */
  readonly ttl?: number;
  /** How often a worker that does not hold the lock tries to take it. @defaultValue 1000 */
  readonly retryInterval?: number;
}

/** A lock store with its settings resolved. */
export interface ScheduleLock {
  readonly store: LockStore;
  readonly ttl: number;
  readonly retryInterval: number;
}

type Listener<E> = (event: E) => void | Promise<void>;

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(
      `${name} must be a whole number of milliseconds > 0, got ${String(value)}.`,
      {
        code: "INVALID_SCHEDULE_OPTION",
      },
    );
  }
  return value;
}

/**
 * A set of recurring messages with the settings that say how they are emitted: a lock shared
 * by the workers consuming it, a checkpoint store that makes it stateful, missed-run handling,
 * and hooks around each run.
 *
 * Changing the messages (`add`, `remove`, `clear`) while a worker consumes the schedule marks it
 * for restart: the worker rebuilds its list of next runs at its next poll.
 */
export class Schedule implements ScheduleProvider {
  readonly events: EventDispatcher;
  #messages = new Map<string, RecurringMessage>();
  #lock: ScheduleLock | undefined;
  #state: CheckpointStore | undefined;
  #onlyLastMissedRun = false;
  #restart = false;
  /** Shared by a schedule and its `with()` copies: their hooks are the same. */
  #family: object = {};

  /** @param events where the hooks' events go; give a shared one to listen to several schedules. */
  constructor(events: EventDispatcher = new EventDispatcher()) {
    this.events = events;
  }

  /** A copy of this schedule (settings and hooks shared) with more messages. */
  with(...messages: RecurringMessage[]): Schedule {
    const copy = new Schedule(this.events);
    copy.#messages = new Map(this.#messages);
    copy.#lock = this.#lock;
    copy.#state = this.#state;
    copy.#onlyLastMissedRun = this.#onlyLastMissedRun;
    copy.#family = this.#family;
    return copy.add(...messages);
  }

  /** Adds messages; an id already in the schedule is an error. */
  add(...messages: RecurringMessage[]): this {
    for (const message of messages) {
      if (this.#messages.has(message.id)) {
        throw new LogicError(
          `Duplicated schedule message: "${message.trigger.description}" with ${message.provider.description || message.provider.id} is already in the schedule (id ${message.id}).`,
          { code: "DUPLICATE_SCHEDULE_MESSAGE" },
        );
      }
      this.#messages.set(message.id, message);
    }
    if (messages.length > 0) this.#restart = true;
    return this;
  }

  remove(message: RecurringMessage): this {
    return this.removeById(message.id);
  }

  removeById(id: string): this {
    if (this.#messages.delete(id)) this.#restart = true;
    return this;
  }

  clear(): this {
    this.#messages.clear();
    this.#restart = true;
    return this;
  }

  /** In declaration order: the order that breaks ties between runs due at the same time. */
  getRecurringMessages(): readonly RecurringMessage[] {
    return [...this.#messages.values()];
  }

  /** Only the lock's holder emits runs, so several workers can consume this schedule. */
  lock(store: LockStore, options: ScheduleLockOptions = {}): this {
    if (!isLockStore(store)) {
      throw new InvalidArgumentError("Schedule.lock() needs a LockStore (acquire and release).", {
        code: "INVALID_SCHEDULE_OPTION",
      });
    }
    this.#lock = {
      store,
      ttl: positive(options.ttl ?? 60_000, "The lock ttl"),
      retryInterval: positive(options.retryInterval ?? 1_000, "The lock retryInterval"),
    };
    return this;
  }

  getLock(): ScheduleLock | undefined {
    return this.#lock;
  }

  /** Keeps a checkpoint in `store`: a restart replays the runs it missed and repeats none it finished. */
  stateful(store: CheckpointStore): this {
    if (!isCheckpointStore(store)) {
      throw new InvalidArgumentError("Schedule.stateful() needs a CheckpointStore (load and save).", {
        code: "INVALID_SCHEDULE_OPTION",
      });
    }
    this.#state = store;
    return this;
  }

  getState(): CheckpointStore | undefined {
    return this.#state;
  }

  /** After downtime, emit one catch-up run per recurring message instead of every missed one. */
  processOnlyLastMissedRun(value = true): this {
    this.#onlyLastMissedRun = value;
    return this;
  }

  shouldProcessOnlyLastMissedRun(): boolean {
    return this.#onlyLastMissedRun;
  }

  /** Runs before each scheduled message is handled; `event.shouldCancel(true)` skips it. */
  before(listener: Listener<PreRunEvent>, priority = 0): this {
    this.events.on(PreRunEvent, this.#own(listener), priority);
    return this;
  }

  /** Runs after each scheduled message was handled successfully. */
  after(listener: Listener<PostRunEvent>, priority = 0): this {
    this.events.on(PostRunEvent, this.#own(listener), priority);
    return this;
  }

  /** Runs after each scheduled message failed. */
  onFailure(listener: Listener<FailureEvent>, priority = 0): this {
    this.events.on(FailureEvent, this.#own(listener), priority);
    return this;
  }

  getSchedule(): this {
    return this;
  }

  /** True when the messages changed since a generator last read them. */
  shouldRestart(): boolean {
    return this.#restart;
  }

  setRestart(value: boolean): void {
    this.#restart = value;
  }

  /** A dispatcher may be shared by several schedules: a hook only hears its own schedule's runs. */
  #own<E extends { readonly schedule: Schedule }>(listener: Listener<E>): Listener<E> {
    return (event) => (event.schedule.#family === this.#family ? listener(event) : undefined);
  }
}
