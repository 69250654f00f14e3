import type { FetchResult, RedisConnection } from "./redis-connection.js";

/** Wake a hair after a due time, so the fetch's Redis clock is past it. */
const DUE_SLACK_MS = 1;

/**
 * What the waiter's owner (the consumer) does around each blocking wait: queue its fetch behind it
 * on the waiting connection, and learn when the wait answered, before any woken worker runs.
 */
export interface WaitCompanion {
  /** The BZPOPMIN just went out: queue the fetch behind it now; false when none was queued. */
  queued(): boolean;
  /** The BZPOPMIN answered (a marker, a timeout or an error): the fetch behind it has run, or never will. */
  answered(): void;
  /** A wait was cut short while the BZPOPMIN is outstanding: the fetch behind it must not run. */
  abandoned(): void;
}

/** Less left than this when a wait is cut short: let the blocked call run out instead of dropping its connection. */
const ABANDON_MIN_MS = 20;

interface Waiting {
  readonly finish: () => void;
  readonly abort: () => void;
  readonly reschedule: () => void;
  readonly remainingMs: () => number;
}

/**
 * How an idle worker waits on a Redis transport, BullMQ's way: senders set a marker (a sorted set
 * with one member scored by when something may be ready: 0 for a new message, the due time for a
 * delayed one), and the idle worker blocks on `BZPOPMIN marker` on a connection of its own. Redis
 * hands each marker to one blocked worker, so a message wakes one worker, not all of them; a burst
 * wakes more as each fetch that finds a full batch sets the marker again.
 *
 * The consumer queues its fetch right behind each BZPOPMIN on the same connection (its
 * {@link WaitCompanion}): Redis runs it the moment the marker is popped, so the woken worker's
 * messages arrive one round trip after the wake-up, not two.
 *
 * Besides the marker, a wait ends when the earliest delayed message is due (learnt from the last
 * fetch, or from a marker scored in the future), at `wakeAt` (the next sweep for abandoned
 * messages), after `maxWaitMs`, or on abort. At most one BZPOPMIN is outstanding. One left over
 * from a wait that ran out its time serves the next wait; a marker it pops while nobody waits is
 * put back for another worker unless a fetch went behind it (which took the messages for this
 * worker's next get(), due at once). A wait cut short by abort drops the blocked call with its
 * connection instead, so nothing is claimed for a worker busy elsewhere or stopping. On a Redis
 * problem the wait runs out its time (no spinning); the next get() reports the problem.
 */
export class RedisMessageWaiter {
  readonly #connection: RedisConnection;
  readonly #waiting = new Set<Waiting>();
  #blocking = false;
  /** Counts blocking calls; an abandoned call's late answer is ignored. */
  #calls = 0;
  /** A fetch went out behind the current (or last) blocking call. */
  #fetchQueued = false;
  /**
   * A lower bound of the Redis clock minus the local clock (ms): the tightest seen. Converting a
   * due time with it never wakes a worker before Redis considers the message due, whatever the
   * round-trip time of the fetch that measured it.
   */
  #offset: number | undefined;
  /** Local time when the earliest delayed message is due. */
  #nextDueAt: number | undefined;
  #closed = false;
  readonly #companion: WaitCompanion | undefined;

  constructor(connection: RedisConnection, companion?: WaitCompanion) {
    this.#connection = connection;
    this.#companion = companion;
  }

  /** Ends every wait now: the owner has messages for the worker. */
  wake(): void {
    for (const waiting of [...this.#waiting]) waiting.finish();
  }

  /** Learns the clock offset and the next due time from a fetch that started at local `startedAt`. */
  observe(result: FetchResult, startedAt: number): void {
    // Redis read its clock between startedAt and now (local): the offset lies within these bounds.
    const low = result.now - Date.now();
    const high = result.now - startedAt;
    // Keep the tightest lower bound; one that no longer fits means a clock was set: start over.
    this.#offset = this.#offset === undefined || high < this.#offset ? low : Math.max(this.#offset, low);
    this.#nextDueAt = result.nextDueAt === null ? undefined : result.nextDueAt - this.#offset;
  }

  wait(maxWaitMs: number, signal: AbortSignal, wakeAt?: number): Promise<void> {
    if (signal.aborted || !(maxWaitMs > 0)) return Promise.resolve();
    // A transport used again after close() reconnects; so does its waiter.
    this.#closed = false;
    const deadline = Date.now() + Math.min(maxWaitMs, 2_147_483_647);
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const endAt = () =>
        Math.min(deadline, wakeAt ?? deadline, (this.#nextDueAt ?? deadline) + DUE_SLACK_MS);
      const waiting: Waiting = {
        finish: () => {
          if (!this.#waiting.delete(waiting)) return;
          resolve();
          // The timer and the abort listener are harmless once the wait is out of #waiting
          // (finish returns at once); dropping them on the next turn lets the woken worker's
          // fetch go out first.
          setImmediate(() => {
            clearTimeout(timer);
            signal.removeEventListener("abort", waiting.abort);
          });
        },
        abort: () => {
          if (!this.#waiting.has(waiting)) return;
          const left = waiting.remainingMs();
          waiting.finish();
          // Cut short (the worker had work elsewhere, or stops) while Redis still blocks for it:
          // drop the blocked call, so a later marker goes to another idle worker and the fetch
          // queued behind it claims nothing for a worker that is not coming back soon.
          if (this.#waiting.size === 0 && this.#blocking && left >= ABANDON_MIN_MS) this.#abandon();
        },
        reschedule: () => {
          clearTimeout(timer);
          const ms = endAt() - Date.now();
          if (ms <= 0) return waiting.finish();
          timer = setTimeout(waiting.finish, ms);
          timer.unref();
        },
        remainingMs: () => endAt() - Date.now(),
      };
      this.#waiting.add(waiting);
      signal.addEventListener("abort", waiting.abort, { once: true });
      waiting.reschedule();
      this.#block();
    });
  }

  /** Ends every wait (the transport is closing); a later wait starts afresh. */
  close(): void {
    this.#closed = true;
    for (const waiting of [...this.#waiting]) waiting.finish();
  }

  #block(): void {
    if (this.#blocking || this.#closed || this.#waiting.size === 0) return;
    const timeout = Math.max(...[...this.#waiting].map((w) => w.remainingMs()));
    if (timeout <= 0) return;
    this.#blocking = true;
    const call = ++this.#calls;
    this.#connection.waitForMarker(timeout).then(
      (score) => {
        if (call !== this.#calls) return; // abandoned: a newer call owns the state
        this.#blocking = false;
        this.#companion?.answered();
        this.#onMarker(score);
      },
      () => {
        if (call !== this.#calls) return;
        // Redis is unreachable or the transport closed: the waits run out their time.
        this.#blocking = false;
        this.#companion?.answered();
      },
    );
    this.#fetchQueued = this.#companion?.queued() ?? false;
  }

  #abandon(): void {
    this.#calls++;
    this.#blocking = false;
    this.#companion?.abandoned();
    this.#connection.endWait();
  }

  #onMarker(score: number | null): void {
    if (score === null) {
      // Timed out while a wait is still on (a later wait reused this call): block again. The
      // fetch behind it ran too; what it found is held for the next get(), and wakes the worker.
      this.#block();
      return;
    }
    const dueAt = score - (this.#offset ?? 0);
    if (score > 0 && dueAt > Date.now() + DUE_SLACK_MS) {
      // A delayed message was sent: remember its due time and keep waiting for new ones.
      if (this.#nextDueAt === undefined || dueAt < this.#nextDueAt) this.#nextDueAt = dueAt;
      for (const waiting of [...this.#waiting]) waiting.reschedule();
      this.#block();
      if (this.#waiting.size > 0) return;
    } else if (this.#waiting.size > 0) {
      for (const waiting of [...this.#waiting]) waiting.finish();
      return;
    }
    // Popped by a call left over from an earlier wait (one that ran out its time), with nobody
    // waiting here now. The fetch queued behind it took the messages for this worker's next get(),
    // which comes at once; without one, hand the marker to another idle worker.
    if (!this.#closed && !this.#fetchQueued) this.#connection.restoreMarker(score).catch(() => undefined);
  }
}
