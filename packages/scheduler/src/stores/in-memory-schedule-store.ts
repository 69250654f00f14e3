import { type Clock, systemClock } from "@messenger-ts/core";
import { type CheckpointState, type CheckpointStore, checkpointStateFrom } from "./checkpoint-store.js";
import type { LockStore } from "./lock-store.js";

/**
 * Lock and checkpoint in process memory: for tests, and for several schedule transports in one
 * process. It survives no restart and is shared by no other process.
 */
export class InMemoryScheduleStore implements LockStore, CheckpointStore {
  readonly #locks = new Map<string, { owner: string; expiresAt: number }>();
  readonly #checkpoints = new Map<string, CheckpointState>();

  constructor(private readonly clock: Clock = systemClock) {}

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const lock = this.#locks.get(key);
    if (lock && lock.owner !== owner && lock.expiresAt > now) return false;
    this.#locks.set(key, { owner, expiresAt: now + ttlMs });
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    if (this.#locks.get(key)?.owner === owner) this.#locks.delete(key);
  }

  async load(key: string): Promise<CheckpointState | null> {
    return checkpointStateFrom(this.#checkpoints.get(key));
  }

  async save(key: string, state: CheckpointState): Promise<void> {
    this.#checkpoints.set(key, { time: state.time, index: state.index, from: state.from });
  }

  /** The lock's holder, if any and not expired: for tests. */
  holderOf(key: string): string | undefined {
    const lock = this.#locks.get(key);
    return lock && lock.expiresAt > this.clock.now() ? lock.owner : undefined;
  }
}
