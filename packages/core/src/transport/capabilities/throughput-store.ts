import { type Clock, systemClock } from "../../clock/clock.js";

/** One minute, in milliseconds: the width of a throughput bucket. */
export const THROUGHPUT_BUCKET = 60_000;

/**
 * How long a store keeps its buckets: two hours, so the last hour is always whole, whatever
 * the clocks of the workers and of the reader disagree on by a few minutes.
 */
export const THROUGHPUT_RETENTION = 2 * 60 * 60_000;

/** The messages one transport's workers handled and failed in one minute. */
export interface ThroughputBucket {
  readonly transport: string;
  /** The minute's start, epoch milliseconds (a multiple of {@link THROUGHPUT_BUCKET}). */
  readonly minute: number;
  readonly handled: number;
  /** Failed handlings, retried ones included (as the heartbeat's `failed`). */
  readonly failed: number;
}

/**
 * Where workers add up, minute by minute, the messages they handled and failed, next to their
 * heartbeats on the transport's own backend: a dashboard in another process reads the last hour
 * from there. Counts are added, never replaced, so every worker's share sums into the same bucket.
 */
export interface ThroughputStore {
  /**
   * Adds the counts to their buckets (created as needed) and drops buckets older than
   * {@link THROUGHPUT_RETENTION} before `now`.
   */
  recordThroughput(buckets: readonly ThroughputBucket[], now: number): Promise<void>;
  /**
   * The buckets of these transports whose minute is at or after `since`, summed over workers,
   * by transport then minute. Never creates the store: a missing one has no buckets.
   */
  readThroughput(transports: readonly string[], since: number): Promise<ThroughputBucket[]>;
}

export function isThroughputStore(value: unknown): value is ThroughputStore {
  const candidate = value as Partial<ThroughputStore> | null;
  return typeof candidate?.recordThroughput === "function" && typeof candidate.readThroughput === "function";
}

/** The start of the minute `time` falls in. */
export function throughputMinute(time: number): number {
  return Math.floor(time / THROUGHPUT_BUCKET) * THROUGHPUT_BUCKET;
}

/** Orders buckets by transport, then minute: the order stores return, and the order they lock rows in. */
export function compareThroughputBuckets(a: ThroughputBucket, b: ThroughputBucket): number {
  return (a.transport < b.transport ? -1 : a.transport > b.transport ? 1 : 0) || a.minute - b.minute;
}

/** A store for one process (tests; the in-memory transport keeps none, it has no other reader). */
export class InMemoryThroughputStore implements ThroughputStore {
  readonly #buckets = new Map<string, ThroughputBucket>();
  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  async recordThroughput(buckets: readonly ThroughputBucket[], now: number): Promise<void> {
    for (const bucket of buckets) {
      const key = `${bucket.transport}\u0000${bucket.minute}`;
      const before = this.#buckets.get(key);
      this.#buckets.set(key, {
        transport: bucket.transport,
        minute: bucket.minute,
        handled: (before?.handled ?? 0) + bucket.handled,
        failed: (before?.failed ?? 0) + bucket.failed,
      });
    }
    for (const [key, bucket] of this.#buckets) {
      if (bucket.minute < now - THROUGHPUT_RETENTION) this.#buckets.delete(key);
    }
  }

  async readThroughput(transports: readonly string[], since: number): Promise<ThroughputBucket[]> {
    const wanted = new Set(transports);
    const horizon = Math.max(since, this.#clock.now() - THROUGHPUT_RETENTION);
    return [...this.#buckets.values()]
      .filter((bucket) => wanted.has(bucket.transport) && bucket.minute >= horizon)
      .map((bucket) => ({ ...bucket }))
      .sort(compareThroughputBuckets);
  }
}
