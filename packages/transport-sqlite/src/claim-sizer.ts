/** The most messages one claim takes. */
export const MAX_CLAIM = 10;

/**
 * How many messages the next get() claims: about one second of this process's recent work, from
 * 1 to {@link MAX_CLAIM}. Slow handlers get one message per claim, so a claimed batch never waits
 * behind a long handler while another worker idles (Symfony's Doctrine transport claims one); fast
 * ones get ten, one write transaction for all. Measured on the real clock: it is about throughput,
 * not about the messages' times.
 */
export class ClaimSizer {
  readonly #now: () => number;
  /** Messages finished in the current one-second window, and in the one before. */
  #since = 0;
  #current = 0;
  #previous = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  next(): number {
    this.#roll();
    return Math.max(1, Math.min(MAX_CLAIM, Math.max(this.#current, this.#previous)));
  }

  /** A claimed message was acknowledged or rejected. */
  finished(): void {
    this.#roll();
    this.#current++;
  }

  #roll(): void {
    const now = this.#now();
    if (now - this.#since < 1_000) return;
    this.#previous = now - this.#since < 2_000 ? this.#current : 0;
    this.#current = 0;
    this.#since = now;
  }
}
