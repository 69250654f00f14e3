import type { Clock } from "@messenger-ts/core";
import type { SqliteConnection } from "./sqlite-connection.js";
import { onWrite } from "./sqlite-handle.js";

/** The first pause after an empty look: a burst of sends from another process is caught at once. */
const FIRST_POLL_MS = 5;
/** The longest pause while nothing arrives: what an idle worker costs is one indexed read per pause. */
const LAST_POLL_MS = 250;

/**
 * How an idle worker waits on an SQLite file, which has no LISTEN/NOTIFY: it looks for due
 * messages with one indexed read, then pauses, 5 ms at first and doubling to 250 ms while nothing
 * arrives. A send from this process wakes it at once (in-process signal); a delayed message wakes
 * it at its due time, not at the next poll. Other processes' sends are seen within one pause.
 */
export class SqliteMessageWaiter {
  readonly #connection: SqliteConnection;
  readonly #clock: Clock;
  readonly #redeliveryTimeout: number;
  #pause = FIRST_POLL_MS;

  constructor(connection: SqliteConnection, clock: Clock, redeliveryTimeout: number) {
    this.#connection = connection;
    this.#clock = clock;
    this.#redeliveryTimeout = redeliveryTimeout;
  }

  /** Messages arrived: look quickly again after the next empty round. */
  reset(): void {
    this.#pause = FIRST_POLL_MS;
  }

  /**
   * Resolves when a message of the queues is due (or a claim on one expired), after `maxWaitMs`,
   * or when `signal` or `closed` aborts. Never rejects. A failing look does not resolve it early
   * either: the worker would call get(), fail, and come straight back here, spinning; instead the
   * wait goes on, and the worker's next get() after it reports the problem.
   */
  async wait(
    queues: readonly string[],
    maxWaitMs: number,
    signal: AbortSignal,
    closed: AbortSignal,
  ): Promise<void> {
    const deadline = this.#clock.now() + maxWaitMs;
    let pause: AbortController | undefined;
    let written = false;
    const wake = () => pause?.abort();
    let unsubscribe = () => {};
    try {
      unsubscribe = onWrite(this.#connection.database, () => {
        written = true;
        wake();
      });
    } catch {
      // The file cannot be opened: wait without in-process wake-ups; get() will say why.
    }
    const ended = () => signal.aborted || closed.aborted;
    signal.addEventListener("abort", wake, { once: true });
    closed.addEventListener("abort", wake, { once: true });
    try {
      while (!ended()) {
        const now = this.#clock.now();
        if (now >= deadline) return;
        written = false;
        const next = await this.#nextDueAt(queues, now);
        if (next !== null && next <= now) {
          this.#pause = FIRST_POLL_MS;
          return;
        }
        if (written || ended()) continue;
        pause = new AbortController();
        const until = Math.min(
          this.#pause,
          deadline - now,
          next === null ? Number.POSITIVE_INFINITY : next - now,
        );
        await this.#clock.sleep(until, pause.signal);
        pause = undefined;
        this.#pause = written ? FIRST_POLL_MS : Math.min(this.#pause * 2, LAST_POLL_MS);
      }
    } finally {
      unsubscribe();
      signal.removeEventListener("abort", wake);
      closed.removeEventListener("abort", wake);
    }
  }

  async #nextDueAt(queues: readonly string[], now: number): Promise<number | null> {
    try {
      // Inside a transaction on the shared handle (the transaction middleware, or the application's
      // own) a look would see uncommitted rows that get() must not claim: wait for the commit.
      if (this.#connection.database.inTransaction) return null;
      return await this.#connection.nextDueAt(queues, now - this.#redeliveryTimeout);
    } catch {
      return null;
    }
  }
}
