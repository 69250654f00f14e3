/** One slot of a concurrency limit, held while a message is in its handlers. */
export interface ConcurrencyLease {
  /**
   * Frees the slot; calling it again does nothing. Resolves once the store took it back; never
   * rejects (a slot that could not be given back is freed when its lease expires).
   */
  release(): Promise<void>;
}

/** At most N messages of a transport in handlers at once, across every worker that shares the limiter's store. */
export interface ConcurrencyLimiter {
  /** A lease when one of the slots is free now, else undefined; never waits for one. */
  tryAcquire(): Promise<ConcurrencyLease | undefined>;
}
