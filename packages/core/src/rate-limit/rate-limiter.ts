/** Hands out permits to handle messages at a limited rate. */
export interface RateLimiter {
  /**
   * Takes one permit and says how long to wait (ms) before using it: 0 when one was free.
   * The permit is reserved either way, so callers must wait rather than ask again.
   */
  reserve(): Promise<number>;
}

/**
 * A transport that can share a rate limit between every worker consuming it (a Redis key, a
 * database row) implements this; otherwise each worker limits itself with a local token bucket.
 */
export interface SharedRateLimiterFactory {
  createRateLimiter(key: string, limit: number, intervalMs: number): RateLimiter;
}

export function isSharedRateLimiterFactory(value: unknown): value is SharedRateLimiterFactory {
  return typeof (value as Partial<SharedRateLimiterFactory> | null)?.createRateLimiter === "function";
}
