import { type Clock, systemClock, TransportError } from "@messenger-ts/core";
import { parseSqlIdentifierOption } from "@messenger-ts/core/transport";
import { type CheckpointState, type CheckpointStore, checkpointStateFrom } from "./checkpoint-store.js";
import type { LockStore } from "./lock-store.js";

/** What the store needs of a better-sqlite3 statement. */
export interface SqliteStatementLike {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}

/** What the store needs of a better-sqlite3 `Database`. */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
  exec(sql: string): unknown;
  transaction(fn: (key: string, owner: string, ttlMs: number) => boolean): {
    immediate(key: string, owner: string, ttlMs: number): boolean;
  };
}

export interface SqliteScheduleStoreOptions {
  /** @defaultValue "messenger_scheduler_checkpoints" */
  readonly checkpointTable?: string;
  /** @defaultValue "messenger_scheduler_locks" */
  readonly lockTable?: string;
  /** Expiry is measured by this clock: the processes sharing an SQLite file share a machine. @defaultValue systemClock */
  readonly clock?: Clock;
}

/**
 * Lock and checkpoint in an SQLite file, for several worker processes on one machine. Pass the
 * application's better-sqlite3 `Database` (its default 5 s busy timeout lets concurrent workers
 * wait for each other); `better-sqlite3` is not imported here. Tables are created on construction.
 *
 * The lock is read and written in one `BEGIN IMMEDIATE` transaction, which takes SQLite's write
 * lock first, so two processes cannot both see it free.
 */
export class SqliteScheduleStore implements LockStore, CheckpointStore {
  readonly #clock: Clock;
  readonly #acquire: (key: string, owner: string, ttlMs: number) => boolean;
  readonly #release: SqliteStatementLike;
  readonly #load: SqliteStatementLike;
  readonly #save: SqliteStatementLike;

  constructor(db: SqliteDatabaseLike, options: SqliteScheduleStoreOptions = {}) {
    const checkpoints = quoted(
      options.checkpointTable ?? "messenger_scheduler_checkpoints",
      "checkpointTable",
    );
    const locks = quoted(options.lockTable ?? "messenger_scheduler_locks", "lockTable");
    this.#clock = options.clock ?? systemClock;
    this.#wrap("set up its tables", () =>
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${checkpoints} (name TEXT PRIMARY KEY, run_time INTEGER NOT NULL, run_index INTEGER NOT NULL, from_time INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS ${locks} (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);`,
      ),
    );
    const read = db.prepare(`SELECT owner, expires_at FROM ${locks} WHERE name = ?`);
    const write = db.prepare(
      `INSERT INTO ${locks} (name, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
    );
    this.#acquire = db.transaction((key: string, owner: string, ttlMs: number): boolean => {
      const now = this.#clock.now();
      const lock = read.get(key) as { owner: string; expires_at: number } | undefined;
      if (lock && lock.owner !== owner && lock.expires_at > now) return false;
      write.run(key, owner, now + Math.ceil(ttlMs));
      return true;
    }).immediate;
    this.#release = db.prepare(`DELETE FROM ${locks} WHERE name = ? AND owner = ?`);
    this.#load = db.prepare(`SELECT run_time, run_index, from_time FROM ${checkpoints} WHERE name = ?`);
    this.#save = db.prepare(
      `INSERT INTO ${checkpoints} (name, run_time, run_index, from_time) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE
       SET run_time = excluded.run_time, run_index = excluded.run_index, from_time = excluded.from_time`,
    );
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.#wrap("acquire the schedule lock", () => this.#acquire(key, owner, ttlMs));
  }

  async release(key: string, owner: string): Promise<void> {
    this.#wrap("release the schedule lock", () => this.#release.run(key, owner));
  }

  async load(key: string): Promise<CheckpointState | null> {
    const row = this.#wrap("load the schedule checkpoint", () => this.#load.get(key)) as
      | { run_time: number; run_index: number; from_time: number }
      | undefined;
    return row
      ? checkpointStateFrom({ time: row.run_time, index: row.run_index, from: row.from_time })
      : null;
  }

  async save(key: string, state: CheckpointState): Promise<void> {
    this.#wrap("save the schedule checkpoint", () =>
      this.#save.run(key, state.time, state.index, state.from),
    );
  }

  #wrap<T>(operation: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      throw new TransportError(`SQLite schedule store could not ${operation}: ${(error as Error).message}`, {
        cause: error,
        code: "SCHEDULE_STORE_ERROR",
      });
    }
  }
}

/** A table name, checked (it is written into SQL) and double-quoted; `sqlite_` is SQLite's own prefix. */
function quoted(name: string, option: string): string {
  return `"${parseSqlIdentifierOption(name, option, "SqliteScheduleStore", 63, "sqlite_")}"`;
}
