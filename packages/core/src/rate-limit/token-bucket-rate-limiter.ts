import type { Clock } from "../clock/clock.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { RateLimiter } from "./rate-limiter.js";

/**
 * A token bucket in one process: `limit` permits per `intervalMs`, refilled continuously, at most
 * `limit` saved up. A permit taken ahead of time makes the next caller wait for the refill.
 */
export class TokenBucketRateLimiter implements RateLimiter {
  #tokens: number;
  #updatedAt: number;

  constructor(
    private readonly limit: number,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isSafeInteger(limit) || limit <= 0) {
      throw new InvalidArgumentError(
        `Rate limit must be a positive whole number of messages, got ${String(limit)}.`,
      );
    }
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new InvalidArgumentError(
        `Rate limit interval must be a positive number of ms, got ${String(intervalMs)}.`,
      );
    }
    this.#tokens = limit;
    this.#updatedAt = clock.now();
  }

  async reserve(): Promise<number> {
    const now = this.clock.now();
    const refill = ((now - this.#updatedAt) * this.limit) / this.intervalMs;
    this.#tokens = Math.min(this.limit, this.#tokens + refill);
    this.#updatedAt = now;
    this.#tokens -= 1;
    if (this.#tokens >= 0) return 0;
    // In debt: wait until the refill has paid it back.
    return Math.ceil((-this.#tokens * this.intervalMs) / this.limit);
  }
}
