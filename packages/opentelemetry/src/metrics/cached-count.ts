import type { Clock, Logger } from "@messenger-ts/core";

export interface CachedCountOptions {
  /** Reads the count from the backend (one query). */
  readonly count: () => Promise<number>;
  /** At most one query per this many milliseconds, whatever the number of scrapes. */
  readonly ttl: number;
  /** How long a scrape waits for a query in flight before it answers with the previous value. */
  readonly timeout: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Names the count in log lines: `{ metric, transport }`. */
  readonly context: Readonly<Record<string, string>>;
}

/**
 * A transport count for a gauge, read from the backend at most once per `ttl` milliseconds per
 * process: scrapes in between get the last value, so a scrape never costs a query per transport.
 *
 * A query that fails leaves no value until the next one succeeds (the gauge is skipped, and the
 * failure is logged, once per query); a query slower than `timeout` does not hold the scrape up:
 * the scrape gets the previous value (or nothing) and the query's result is kept when it comes.
 */
export class CachedCount {
  readonly #options: CachedCountOptions;
  #value: number | undefined;
  #startedAt: number | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(options: CachedCountOptions) {
    this.#options = options;
  }

  /** The count to observe now, or undefined to skip the gauge. Never throws. */
  async read(): Promise<number | undefined> {
    const { ttl, timeout, clock } = this.#options;
    const now = clock.now();
    if (!this.#inFlight && (this.#startedAt === undefined || now - this.#startedAt >= ttl)) {
      this.#startedAt = now;
      this.#inFlight = this.#query().finally(() => {
        this.#inFlight = undefined;
      });
    }
    if (this.#inFlight) await waitAtMost(this.#inFlight, timeout);
    return this.#value;
  }

  async #query(): Promise<void> {
    try {
      const value = await this.#options.count();
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new TypeError(`the transport counted ${String(value)}, not a number`);
      }
      this.#value = value;
    } catch (error) {
      this.#value = undefined;
      this.#options.logger.warn(
        { ...this.#options.context, error: (error as Error)?.message ?? String(error) },
        `Metrics: could not count the messages of transport "${this.#options.context.transport}"; the gauge is skipped until a count succeeds.`,
      );
    }
  }
}

async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    promise,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      // A slow backend must not keep the process alive.
      timer.unref?.();
    }),
  ]);
  clearTimeout(timer);
}
