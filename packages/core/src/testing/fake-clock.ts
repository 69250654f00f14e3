import type { Clock } from "../clock/clock.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";

interface Sleeper {
  readonly deadline: number;
  readonly wake: () => void;
}

/** 2024-01-01T00:00:00Z: a fixed start so that tests do not depend on the day they run. */
const DEFAULT_START = Date.UTC(2024, 0, 1);

/**
 * Captured at load so that a test which later installs fake timers (`vi.useFakeTimers()`) cannot
 * make `advance()` hang. Used only to let queued work run, never to wait for time to pass.
 */
const yieldToEventLoop: () => Promise<void> = (() => {
  const immediate = globalThis.setImmediate;
  return () => new Promise<void>((resolve) => immediate(resolve));
})();

/**
 * A clock that only moves when the test says so. `sleep()` never touches a real timer: a sleeper
 * wakes when `advance()` or `set()` moves time to or past its deadline, or when its signal aborts.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const slept = clock.sleep(1_000);
 * await clock.advance(1_000); // `slept` has resolved and whatever awaited it has run
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  /** In registration order, which is what breaks ties between sleepers due at the same instant. */
  #sleepers: Sleeper[] = [];

  /** @param start the initial time, in epoch milliseconds or as a Date. @defaultValue 2024-01-01T00:00:00Z */
  constructor(start: number | Date = DEFAULT_START) {
    this.#now = toTime(start, "start");
  }

  now(): number {
    return this.#now;
  }

  /** Resolves once the clock reaches `now() + ms` (at once for `ms <= 0`), or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // Same coercion as setTimeout: NaN and negatives mean "no wait".
    const wait = Number.isFinite(ms) && ms > 0 ? ms : 0;
    if (signal?.aborted || wait === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      const sleeper: Sleeper = {
        deadline: this.#now + wait,
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Moves time forward by `ms`, waking due sleepers one at a time in deadline order. The clock
   * shows each sleeper's deadline when it wakes, and the work it triggers runs before the next
   * one wakes, so a loop that sleeps again inside the window is woken again (a poller sleeping
   * 100 ms wakes ten times over `advance(1_000)`). Resolves once that work has settled.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new InvalidArgumentError(
        `FakeClock.advance() needs a finite number of milliseconds >= 0, got ${String(ms)}; use set() to go back in time.`,
      );
    }
    const target = this.#now + ms;
    await yieldToEventLoop();
    for (let next = this.#takeDue(target); next; next = this.#takeDue(target)) {
      this.#now = Math.max(this.#now, next.deadline);
      next.wake();
      await yieldToEventLoop();
    }
    this.#now = target;
    await yieldToEventLoop();
  }

  /**
   * Jumps to an absolute time (backwards too, to simulate clock skew) and wakes every sleeper that
   * is now due, in deadline order. Unlike `advance()` it does not wait for the woken code to run.
   */
  set(time: number | Date): void {
    this.#now = toTime(time, "time");
    for (let next = this.#takeDue(this.#now); next; next = this.#takeDue(this.#now)) next.wake();
  }

  /** How many sleeps are waiting: lets a test wait until the code under test has gone idle. */
  get pendingSleeps(): number {
    return this.#sleepers.length;
  }

  /** Removes and returns the earliest sleeper due at or before `time`; on a tie, the first to sleep. */
  #takeDue(time: number): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const sleeper of this.#sleepers) {
      if (sleeper.deadline <= time && (!best || sleeper.deadline < best.deadline)) best = sleeper;
    }
    if (best) this.#sleepers = this.#sleepers.filter((s) => s !== best);
    return best;
  }
}

function toTime(value: number | Date, what: string): number {
  const time = value instanceof Date ? value.getTime() : value;
  if (typeof time !== "number" || !Number.isFinite(time)) {
    throw new InvalidArgumentError(
      `FakeClock ${what} must be a finite epoch time or a valid Date, got ${String(value)}.`,
    );
  }
  return time;
}
