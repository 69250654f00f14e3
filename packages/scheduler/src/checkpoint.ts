import { randomUUID } from "node:crypto";
import type { Clock } from "@messenger-ts/core";
import type { ScheduleLock } from "./schedule.js";
import type { CheckpointStore } from "./stores/checkpoint-store.js";

/**
 * - `acquired`: this worker just took the schedule (or started): its state was (re)loaded, so
 *   the generator rebuilds its next runs from it;
 * - `held`: it already had the schedule and still has it;
 * - `busy`: another worker holds the lock.
 */
export type CheckpointAcquisition = "acquired" | "held" | "busy";

/**
 * A schedule's position (the last run it finished) and, when shared, its lock.
 *
 * - No lock, no store: the state lives in the process and starts at "now"; runs missed while no
 *   worker ran are never replayed, and every worker emits every run.
 * - Lock: only the holder emits. `acquire` never blocks. The holder keeps the lock between its
 *   polls by extending it until its next run plus the ttl, and gives it up when no run is left
 *   or the transport closes. A worker that takes the lock over without a store starts at "now".
 * - Store (stateful): the state is loaded when the worker takes the schedule and saved after each
 *   run was handled, so a restart replays missed runs and repeats none that finished.
 *
 * The key of both is `schedule:<name>`.
 */
export class Checkpoint {
  readonly key: string;
  /** This process' identity as a lock owner. */
  readonly owner = randomUUID();
  #time = 0;
  #index = -1;
  #from = 0;
  #holding = false;
  /** By the local clock, when our lock could have expired: past it, the state is reloaded. */
  #heldUntil = Number.POSITIVE_INFINITY;

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly lock: ScheduleLock | undefined,
    private readonly store: CheckpointStore | undefined,
  ) {
    this.key = `schedule:${name}`;
  }

  /** When the last finished run was due (epoch ms). */
  get time(): number {
    return this.#time;
  }

  get index(): number {
    return this.#index;
  }

  /** The schedule's first start (epoch ms). */
  get from(): number {
    return this.#from;
  }

  get holding(): boolean {
    return this.#holding;
  }

  async acquire(now: number): Promise<CheckpointAcquisition> {
    if (this.lock) {
      if (!(await this.lock.store.acquire(this.key, this.owner, this.lock.ttl))) {
        this.#holding = false;
        return "busy";
      }
      // Held for longer than the ttl without renewing: another worker may have had it meanwhile.
      if (this.#holding && now > this.#heldUntil) this.#holding = false;
      this.#heldUntil = this.clock.now() + this.lock.ttl;
    }
    if (this.#holding) return "held";
    const saved = this.store ? await this.store.load(this.key) : null;
    if (saved) {
      this.#time = saved.time;
      this.#index = saved.index;
      this.#from = saved.from;
    } else {
      this.#time = now;
      this.#index = -1;
      this.#from = now;
      // Saved at once so that the anchor of periodical triggers survives a restart before any run.
      await this.store?.save(this.key, { time: now, index: -1, from: now });
    }
    this.#holding = true;
    return "acquired";
  }

  /**
   * Records a finished run. With a lock, renews it first and saves nothing when it was lost (the
   * new holder owns the state now); returns false then.
   */
  async save(time: number, index: number, nextRun: number | null): Promise<boolean> {
    this.#time = time;
    this.#index = index;
    if (this.lock && !(await this.#renew(nextRun))) return false;
    await this.store?.save(this.key, { time, index, from: this.#from });
    return true;
  }

  /**
   * Keeps the lock until the next run (plus the ttl), so that the holder need not touch the store
   * between runs; gives it up when there is no next run. False when the lock was lost.
   */
  async hold(nextRun: number | null): Promise<boolean> {
    if (!this.lock || !this.#holding) return this.#holding || !this.lock;
    if (nextRun === null) {
      await this.release();
      return true;
    }
    return this.#renew(nextRun);
  }

  /** Renews the lock for one ttl (keepalive while a scheduled message is handled). */
  async keepalive(): Promise<boolean> {
    return this.lock && this.#holding ? this.#renew(null) : true;
  }

  async release(): Promise<void> {
    if (!this.lock || !this.#holding) return;
    this.#holding = false;
    await this.lock.store.release(this.key, this.owner);
  }

  async #renew(nextRun: number | null): Promise<boolean> {
    const lock = this.lock!;
    const now = this.clock.now();
    const ttl = Math.max(0, (nextRun ?? now) - now) + lock.ttl;
    if (!(await lock.store.acquire(this.key, this.owner, ttl))) {
      this.#holding = false;
      return false;
    }
    this.#heldUntil = now + ttl;
    return true;
  }
}
