import { systemClock } from "../clock/clock.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import type { RateLimiter } from "./rate-limiter.js";
import { TokenBucketRateLimiter } from "./token-bucket-rate-limiter.js";

/**
 * A token bucket kept in a backend every worker reaches (a database row), taken through
 * `reserveShared`, which answers as {@link RateLimiter.reserve} does. While the backend cannot be
 * reached, permits come from a bucket in this process instead (logged once), so an outage
 * neither stops the worker nor lifts the limit.
 */
export class SharedRateLimiter implements RateLimiter {
  readonly #reserveShared: () => Promise<number>;
  readonly #local: TokenBucketRateLimiter;
  readonly #key: string;
  readonly #logger: Logger;
  #degraded = false;

  constructor(
    reserveShared: () => Promise<number>,
    key: string,
    limit: number,
    intervalMs: number,
    logger: Logger = nullLogger,
  ) {
    // The same checks and messages as the local bucket's.
    this.#local = new TokenBucketRateLimiter(limit, intervalMs, systemClock);
    this.#reserveShared = reserveShared;
    this.#key = key;
    this.#logger = logger;
  }

  async reserve(): Promise<number> {
    try {
      const wait = await this.#reserveShared();
      if (this.#degraded) {
        this.#degraded = false;
        this.#logger.info({ key: this.#key }, "Shared rate limiter reachable again");
      }
      return wait;
    } catch (error) {
      if (!this.#degraded) {
        this.#degraded = true;
        this.#logger.warn(
          { key: this.#key, error },
          "Shared rate limiter unreachable; limiting this process alone until its store is back",
        );
      }
      return this.#local.reserve();
    }
  }
}
