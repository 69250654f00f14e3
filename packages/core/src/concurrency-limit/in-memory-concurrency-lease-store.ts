import { type Clock, systemClock } from "../clock/clock.js";
import type { ConcurrencyLeaseStore } from "./concurrency-lease-store.js";

/** Leases of one process (the in-memory transport, tests): a map per key of lease → expiry. */
export class InMemoryConcurrencyLeaseStore implements ConcurrencyLeaseStore {
  readonly #leases = new Map<string, Map<string, number>>();

  constructor(private readonly clock: Clock = systemClock) {}

  async acquireLease(key: string, limit: number, leaseId: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const leases = this.#leases.get(key) ?? new Map<string, number>();
    this.#leases.set(key, leases);
    for (const [id, expiresAt] of leases) if (expiresAt <= now) leases.delete(id);
    if (leases.size >= limit) return false;
    leases.set(leaseId, now + ttlMs);
    return true;
  }

  async renewLeases(key: string, leaseIds: readonly string[], ttlMs: number): Promise<void> {
    const now = this.clock.now();
    const leases = this.#leases.get(key);
    for (const id of leaseIds) {
      const expiresAt = leases?.get(id);
      if (expiresAt !== undefined && expiresAt > now) leases!.set(id, now + ttlMs);
    }
  }

  async releaseLease(key: string, leaseId: string): Promise<void> {
    this.#leases.get(key)?.delete(leaseId);
  }
}
