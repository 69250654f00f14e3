/** The most rows one claim takes. */
export const MAX_CLAIM_BATCH = 100;

/** Weight of the newest gap in the moving average: reacts within a few messages, ignores one outlier. */
const SMOOTHING = 0.3;

/**
 * How many rows the next claim takes. A worker holds a claimed batch until it has free handler
 * slots; its keepalive covers the waiting rows, but if the worker dies they all wait out
 * `redeliver_timeout` before anyone else gets them. So the batch is sized to what the consumer
 * finishes within a third of the timeout, judged from the interval between its
 * acknowledgements (which already reflects its concurrency): fast handlers get full batches of
 * {@link MAX_CLAIM_BATCH}, slow ones get one row per claim, as in Symfony. It starts at one row,
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

  /** The batch size for the next claim. */
  next(): number {
    if (this.#averageGapMs === undefined) return 1;
    const fits = Math.floor(this.#budgetMs / Math.max(this.#averageGapMs, 0.01));
    return Math.min(MAX_CLAIM_BATCH, Math.max(1, fits));
  }

  /** `count` rows were claimed. Time between finishes is only measured while rows are out. */
  claimed(count: number): void {
    if (count <= 0) return;
    if (this.#outstanding === 0) this.#lastFinishAt = this.#now();
    this.#outstanding += count;
  }

  /** A claimed row was acked or rejected. */
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
