/**
 * Leases with an expiry, counted per key: the backend of a concurrency limit shared by every
 * worker (a table, a Redis sorted set). Each call is atomic in the backend, so two workers asking
 * for the last free slot at the same instant cannot both get it. A lease that is not renewed
 * expires, so a worker killed in a handler does not hold its slot forever.
 */
export interface ConcurrencyLeaseStore {
  /**
   * Takes a lease named `leaseId` for `ttlMs` when fewer than `limit` live leases of `key` exist;
   * false when all are held. Expired leases do not count.
   */
  acquireLease(key: string, limit: number, leaseId: string, ttlMs: number): Promise<boolean>;
  /** Pushes the expiry of these leases of `key` to `ttlMs` from now; leases already gone stay gone. */
  renewLeases(key: string, leaseIds: readonly string[], ttlMs: number): Promise<void>;
  /** Gives the lease back; a lease that expired (and whose slot another took) is left alone. */
  releaseLease(key: string, leaseId: string): Promise<void>;
}

export function isConcurrencyLeaseStore(value: unknown): value is ConcurrencyLeaseStore {
  const candidate = value as Partial<ConcurrencyLeaseStore> | null;
  return (
    typeof candidate?.acquireLease === "function" &&
    typeof candidate.renewLeases === "function" &&
    typeof candidate.releaseLease === "function"
  );
}
