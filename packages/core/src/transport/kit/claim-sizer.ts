/** Options of {@link ClaimSizer}. */
export interface ClaimSizerOptions {
  /** The most milliseconds of work one claim may take. @defaultValue a third of the redelivery timeout */
  readonly maxBudgetMs?: number;
  /** Measures the gaps between finishes; the real clock, as it is about throughput. @defaultValue Date.now */
  readonly now?: () => number;
  /**
   * The most body bytes one claim should take, judged from the bodies claimed so far (see
   * {@link ClaimSizer.claimed}). @defaultValue no limit
   */
  readonly maxBatchBytes?: number;
}

/** Weight of the newest gap in the moving average: reacts within a few messages, ignores one outlier. */
const SMOOTHING = 0.3;

/**
 * For transports that claim messages in batches: how many the next claim takes. A worker holds a
 * claimed batch until it has free handler slots; its keepalive covers the waiting messages, but
 * if the worker dies they all wait out the redelivery timeout before anyone else gets them. So the
 * batch is sized to what the consumer finishes within a third of the timeout, judged from the
 * interval between its acknowledgements (which already reflects its concurrency): fast handlers
 * get full batches of `max`, slow ones one message per claim, as in Symfony. It starts at one,
 * before anything was measured. `maxBudgetMs` caps that window below a third of the timeout: a
 * transport whose batch blocks others' claims for a while (SQLite's single writer) takes about a
 * second's worth of work per claim.
 *
 * `maxBatchBytes` caps a batch by its bodies' size too. A worker decodes a claimed batch at once and
 * holds it until its last message is handled; batches of big bodies (hundreds of 10 KB bodies, and
 * the next batch claimed ahead) outgrow V8's young generation, so every message is copied into the
 * old one and collected by full garbage collections: with 10 KB bodies, more time than the work.
 */
export class ClaimSizer {
  readonly #budgetMs: number;
  readonly #max: number;
  readonly #now: () => number;
  #outstanding = 0;
  #lastFinishAt: number | undefined;
  #averageGapMs: number | undefined;
  readonly #maxBatchBytes: number;
  #averageBytes: number | undefined;

  /** `max`: the most messages one claim may take (the transport's own limit). */
  constructor(redeliveryTimeoutMs: number, max: number, options: ClaimSizerOptions = {}) {
    this.#budgetMs = Math.min(redeliveryTimeoutMs / 3, options.maxBudgetMs ?? Number.POSITIVE_INFINITY);
    this.#max = max;
    this.#now = options.now ?? Date.now;
    this.#maxBatchBytes = options.maxBatchBytes ?? Number.POSITIVE_INFINITY;
  }

  /** The batch size for the next claim. */
  next(): number {
    if (this.#averageGapMs === undefined) return 1;
    const fits = Math.floor(this.#budgetMs / Math.max(this.#averageGapMs, 0.01));
    const fitsBytes =
      this.#averageBytes === undefined
        ? Number.POSITIVE_INFINITY
        : Math.floor(this.#maxBatchBytes / Math.max(this.#averageBytes, 1));
    return Math.min(this.#max, Math.max(1, Math.min(fits, fitsBytes)));
  }

  /**
   * `count` messages were claimed, their bodies `bytes` long in all (when the transport tells).
   * Time between finishes is only measured while messages are out.
   */
  claimed(count: number, bytes?: number): void {
    if (count <= 0) return;
    if (bytes !== undefined) {
      const perMessage = bytes / count;
      this.#averageBytes =
        this.#averageBytes === undefined
          ? perMessage
          : this.#averageBytes + SMOOTHING * (perMessage - this.#averageBytes);
    }
    if (this.#outstanding === 0) this.#lastFinishAt = this.#now();
    this.#outstanding += count;
  }

  /** A claimed message was acked or rejected. */
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
