import { randomUUID } from "node:crypto";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import type { ConcurrencyLeaseStore } from "./concurrency-lease-store.js";
import type { ConcurrencyLease, ConcurrencyLimiter } from "./concurrency-limiter.js";

export interface SharedConcurrencyLimiterOptions {
  /**
   * How long a lease lives without renewal, in milliseconds; leases held are renewed every third
   * of it. A worker killed in a handler frees its slot after at most this long. @defaultValue 30000
   */
  readonly leaseTimeout?: number;
  readonly logger?: Logger;
}

export const DEFAULT_LEASE_TIMEOUT = 30_000;

/** Captured at load: a test that installs fake timers must not stop the renewals. */
const setRealInterval = globalThis.setInterval;
const clearRealInterval = globalThis.clearInterval;

/**
 * A concurrency limit kept in a {@link ConcurrencyLeaseStore}: every process whose limiter uses
 * the same store and key shares `limit` slots. Each process renews the leases it holds in one call
 * per renewal interval; a release that fails leaves the lease to expire.
 */
export class SharedConcurrencyLimiter implements ConcurrencyLimiter {
  readonly #store: ConcurrencyLeaseStore;
  readonly #key: string;
  readonly #limit: number;
  readonly #leaseTimeout: number;
  readonly #logger: Logger;
  /** Lease ids are this prefix and a counter: unique across processes, cheap to make. */
  readonly #prefix = randomUUID();
  #counter = 0;
  readonly #held = new Set<string>();
  #renewal: ReturnType<typeof setInterval> | undefined;

  constructor(
    store: ConcurrencyLeaseStore,
    key: string,
    limit: number,
    options: SharedConcurrencyLimiterOptions = {},
  ) {
    if (!Number.isSafeInteger(limit) || limit <= 0) {
      throw new InvalidArgumentError(
        `Concurrency limit must be a positive whole number of messages, got ${String(limit)}.`,
        { code: "INVALID_LIMIT" },
      );
    }
    const leaseTimeout = options.leaseTimeout ?? DEFAULT_LEASE_TIMEOUT;
    if (typeof leaseTimeout !== "number" || !Number.isFinite(leaseTimeout) || leaseTimeout < 100) {
      throw new InvalidArgumentError(
        `Concurrency limit leaseTimeout must be a number of milliseconds >= 100, got ${String(leaseTimeout)}.`,
        { code: "INVALID_LIMIT" },
      );
    }
    this.#store = store;
    this.#key = key;
    this.#limit = limit;
    this.#leaseTimeout = leaseTimeout;
    this.#logger = options.logger ?? nullLogger;
  }

  get limit(): number {
    return this.#limit;
  }

  async tryAcquire(): Promise<ConcurrencyLease | undefined> {
    const id = `${this.#prefix}:${++this.#counter}`;
    if (!(await this.#store.acquireLease(this.#key, this.#limit, id, this.#leaseTimeout))) return undefined;
    this.#held.add(id);
    this.#renewal ??= setRealInterval(() => this.#renew(), this.#leaseTimeout / 3);
    // The lease must not keep the process alive: its worker does.
    this.#renewal.unref?.();
    let released: Promise<void> | undefined;
    return {
      release: () => {
        if (released) return released;
        this.#held.delete(id);
        if (this.#held.size === 0 && this.#renewal !== undefined) {
          clearRealInterval(this.#renewal);
          this.#renewal = undefined;
        }
        released = this.#store.releaseLease(this.#key, id).catch((error: unknown) => {
          this.#logger.warn(
            { key: this.#key, error },
            "Could not release a concurrency lease; its slot is free again once the lease expires",
          );
        });
        return released;
      },
    };
  }

  #renew(): void {
    if (this.#held.size === 0) return;
    this.#store.renewLeases(this.#key, [...this.#held], this.#leaseTimeout).catch((error: unknown) => {
      this.#logger.warn(
        { key: this.#key, held: this.#held.size, error },
        "Could not renew concurrency leases; they expire unless a later renewal succeeds",
      );
    });
  }
}
