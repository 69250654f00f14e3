/**
 * A shared, expiring lock: several workers consuming one schedule emit each run once because
 * only the lock's holder emits.
 *
 * Contract for implementers:
 * - `acquire` is non-blocking and atomic: it takes the lock when it is free or expired, extends
 *   it when `owner` already holds it, and returns false when another owner holds it.
 * - Expiry is measured by one clock for all workers (the database's or Redis' clock), or by the
 *   local clock when the store cannot be shared across machines (SQLite, memory).
 * - `release` frees the lock only if `owner` holds it.
 */
export interface LockStore {
  acquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  release(key: string, owner: string): Promise<void>;
}

export function isLockStore(value: unknown): value is LockStore {
  const candidate = value as Partial<LockStore> | null;
  return typeof candidate?.acquire === "function" && typeof candidate.release === "function";
}
