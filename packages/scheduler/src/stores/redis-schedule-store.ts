import { InvalidArgumentError, TransportError } from "@messenger-ts/core";
import { type CheckpointState, type CheckpointStore, checkpointStateFrom } from "./checkpoint-store.js";
import type { LockStore } from "./lock-store.js";

/** What the store needs of an ioredis client. */
export interface RedisLike {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

export interface RedisScheduleStoreOptions {
  /** Put before every key: `<prefix>lock:schedule:<name>`, `<prefix>checkpoint:schedule:<name>`. @defaultValue "messenger:scheduler:" */
  readonly prefix?: string;
}

/**
 * Takes the lock when free (`SET NX PX`), renews it when the caller holds it, refuses otherwise;
 * one script, so no other client can slip in between the check and the write.
 */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;

/** Deletes the lock only when the caller holds it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Lock and checkpoint in Redis, for workers on several machines. Pass the application's ioredis
 * client; `ioredis` is not imported here. Expiry is measured by the Redis server's clock. The
 * checkpoint is a JSON string without expiry.
 */
export class RedisScheduleStore implements LockStore, CheckpointStore {
  readonly #redis: RedisLike;
  readonly #prefix: string;

  constructor(redis: RedisLike, options: RedisScheduleStoreOptions = {}) {
    const prefix = options.prefix ?? "messenger:scheduler:";
    if (typeof prefix !== "string" || /\s/.test(prefix)) {
      throw new InvalidArgumentError(`Invalid Redis key prefix ${JSON.stringify(prefix)}: no spaces.`, {
        code: "INVALID_IDENTIFIER",
      });
    }
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const result = await this.#call("acquire the schedule lock", () =>
      this.#redis.eval(ACQUIRE, 1, `${this.#prefix}lock:${key}`, owner, Math.max(1, Math.ceil(ttlMs))),
    );
    return Number(result) === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.#call("release the schedule lock", () =>
      this.#redis.eval(RELEASE, 1, `${this.#prefix}lock:${key}`, owner),
    );
  }

  async load(key: string): Promise<CheckpointState | null> {
    const raw = await this.#call("load the schedule checkpoint", () =>
      this.#redis.get(`${this.#prefix}checkpoint:${key}`),
    );
    if (raw === null || raw === undefined) return null;
    try {
      return checkpointStateFrom(JSON.parse(raw as string));
    } catch {
      return null;
    }
  }

  async save(key: string, state: CheckpointState): Promise<void> {
    const value = JSON.stringify({ time: state.time, index: state.index, from: state.from });
    await this.#call("save the schedule checkpoint", () =>
      this.#redis.set(`${this.#prefix}checkpoint:${key}`, value),
    );
  }

  async #call<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new TransportError(`Redis schedule store could not ${operation}: ${(error as Error).message}`, {
        cause: error,
        code: "SCHEDULE_STORE_ERROR",
      });
    }
  }
}
