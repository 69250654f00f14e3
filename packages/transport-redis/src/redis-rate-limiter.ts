import { InvalidArgumentError, type Logger, systemClock } from "@messenger-ts/core";
import { type RateLimiter, TokenBucketRateLimiter } from "@messenger-ts/core/transport";
import type { RedisConnection } from "./redis-connection.js";

/**
 * A token bucket kept in Redis (one Lua script per permit, on the Redis clock), so every worker
 * consuming the transport shares one rate: `limit` permits per `intervalMs`. While Redis cannot
 * be reached, permits come from a bucket in this process instead (logged once), so a Redis outage
 * neither stops the worker nor lifts the limit.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #connection: RedisConnection;
  readonly #key: string;
  readonly #limit: number;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  readonly #local: TokenBucketRateLimiter;
  #degraded = false;

  constructor(connection: RedisConnection, key: string, limit: number, intervalMs: number, logger: Logger) {
    // The same checks and messages as the local bucket's.
    this.#local = new TokenBucketRateLimiter(limit, intervalMs, systemClock);
    if (typeof key !== "string" || key.length === 0 || key.length > 200) {
      throw new InvalidArgumentError(
        `Rate limiter key must be a non-empty string of at most 200 characters.`,
      );
    }
    this.#connection = connection;
    this.#key = encodeURIComponent(key);
    this.#limit = limit;
    this.#intervalMs = intervalMs;
    this.#logger = logger;
  }

  async reserve(): Promise<number> {
    try {
      const wait = await this.#connection.reserveToken(this.#key, this.#limit, this.#intervalMs);
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
          "Shared rate limiter unreachable; limiting this process alone until Redis is back",
        );
      }
      return this.#local.reserve();
    }
  }
}
