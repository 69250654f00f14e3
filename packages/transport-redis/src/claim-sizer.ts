/** The most entries one fetch takes. */
export const MAX_FETCH_BATCH = 32;

/** Weight of the newest gap in the moving average: reacts within a few messages, ignores one outlier. */
const SMOOTHING = 0.3;

/**
 * How many entries the next fetch takes. A worker holds a fetched batch until it has free handler
 * slots: a message waiting behind slow ones ties up a consumer that could be idle elsewhere, and
 * comes back only after `redeliver_timeout` when the worker stops or dies. So the batch is sized
 * to what the consumer finishes within a third of the timeout, judged from the interval between
 * its acknowledgements (which already reflects its concurrency): fast handlers get full batches
 * of {@link MAX_FETCH_BATCH}, slow ones one entry per fetch, as in Symfony. It starts at one entry,
 * before anything was measured.
 */
export class ClaimSizer {
  readonly #budgetMs: number;
  readonly #now: () => number;
  #outstanding = 0;
  #lastFinishAt: number | undefined;
  #averageGapMs: number | undefined;

  constructor(redeliveryTimeoutMs: number, now: () => number = Date.now) {
    this.#budgetMs = redeliveryTimeoutMs / 3;
    this.#now = now;
  }

  /** The batch size for the next fetch. */
  next(): number {
    if (this.#averageGapMs === undefined) return 1;
    const fits = Math.floor(this.#budgetMs / Math.max(this.#averageGapMs, 0.01));
    return Math.min(MAX_FETCH_BATCH, Math.max(1, fits));
  }

  /** `count` entries were fetched. Time between finishes is only measured while entries are out. */
  claimed(count: number): void {
    if (count <= 0) return;
    if (this.#outstanding === 0) this.#lastFinishAt = this.#now();
    this.#outstanding += count;
  }

  /** A fetched entry was acked or rejected. */
  finished(): void {
    if (this.#outstanding === 0) return;
    const now = this.#now();
    if (this.#lastFinishAt !== undefined) {
      const gap = now - this.#lastFinishAt;
      this.#averageGapMs =
        this.#averageGapMs === undefined ? gap : this.#averageGapMs + SMOOTHING * (gap - this.#averageGapMs);
    }
    this.#lastFinishAt = now;
    this.#outstanding--;
    if (this.#outstanding === 0) this.#lastFinishAt = undefined;
  }
}
