import { TransportError } from "@messenger-ts/core";
import { parseSqlIdentifierOption } from "@messenger-ts/core/transport";
import { type CheckpointState, type CheckpointStore, checkpointStateFrom } from "./checkpoint-store.js";
import type { LockStore } from "./lock-store.js";

/**
 * What the store needs of a `mysql2/promise` pool: queries with bound parameters, answering
 * `[rows, fields]` (an array of rows for a SELECT).
 */
export interface MysqlPoolLike {
  query(sql: string, values?: unknown[]): Promise<readonly [unknown, unknown?]>;
}

export interface MysqlScheduleStoreOptions {
  /** @defaultValue "messenger_scheduler_checkpoints" */
  readonly checkpointTable?: string;
  /** @defaultValue "messenger_scheduler_locks" */
  readonly lockTable?: string;
  /** Create the tables on first use. @defaultValue true */
  readonly autoSetup?: boolean;
}

/**
 * Lock and checkpoint in MySQL or MariaDB, for workers on several machines. Pass the
 * application's `mysql2/promise` pool (a MySQL transport's `pool` will do); `mysql2` is not
 * imported here. Tables go into the pool's database.
 *
 * The lock is a row with an expiry, taken, renewed or refused in one atomic upsert measured by the
 * database's clock (`UTC_TIMESTAMP(6)`), so workers' clocks may differ; the owner is read back in
 * a second statement, since an upsert that changed nothing and one that renewed the lock report
 * the same affected rows.
 */
export class MysqlScheduleStore implements LockStore, CheckpointStore {
  readonly #pool: MysqlPoolLike;
  readonly #checkpoints: string;
  readonly #locks: string;
  readonly #autoSetup: boolean;
  #setup: Promise<void> | undefined;

  constructor(pool: MysqlPoolLike, options: MysqlScheduleStoreOptions = {}) {
    this.#pool = pool;
    this.#checkpoints = quoted(
      options.checkpointTable ?? "messenger_scheduler_checkpoints",
      "checkpointTable",
    );
    this.#locks = quoted(options.lockTable ?? "messenger_scheduler_locks", "lockTable");
    this.#autoSetup = options.autoSetup ?? true;
  }

  /** Creates the tables if missing. Idempotent and safe to run from several workers. */
  setup(): Promise<void> {
    this.#setup ??= this.#createTables().catch((error) => {
      this.#setup = undefined;
      throw error;
    });
    return this.#setup;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    // `owner` is assigned last: MySQL evaluates the assignments left to right, so the condition
    // of `expires_at` still sees the row's old owner and expiry.
    const free = `${this.#locks}.owner = VALUES(owner) OR ${this.#locks}.expires_at <= UTC_TIMESTAMP(6)`;
    await this.#query(
      "acquire the schedule lock",
      `INSERT INTO ${this.#locks} (name, owner, expires_at)
       VALUES (?, ?, UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)
       ON DUPLICATE KEY UPDATE
         expires_at = IF(${free}, VALUES(expires_at), ${this.#locks}.expires_at),
         owner = IF(${this.#locks}.expires_at = VALUES(expires_at), VALUES(owner), ${this.#locks}.owner)`,
      [key, owner, Math.ceil(ttlMs) * 1000],
    );
    const rows = await this.#rows(
      "acquire the schedule lock",
      `SELECT owner FROM ${this.#locks} WHERE name = ?`,
      [key],
    );
    return rows[0]?.owner === owner;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.#query(
      "release the schedule lock",
      `DELETE FROM ${this.#locks} WHERE name = ? AND owner = ?`,
      [key, owner],
    );
  }

  async load(key: string): Promise<CheckpointState | null> {
    const rows = await this.#rows(
      "load the schedule checkpoint",
      `SELECT run_time, run_index, from_time FROM ${this.#checkpoints} WHERE name = ?`,
      [key],
    );
    const row = rows[0];
    if (!row) return null;
    // BIGINT columns may come back as strings (supportBigNumbers).
    return checkpointStateFrom({
      time: Number(row.run_time),
      index: Number(row.run_index),
      from: Number(row.from_time),
    });
  }

  async save(key: string, state: CheckpointState): Promise<void> {
    await this.#query(
      "save the schedule checkpoint",
      `INSERT INTO ${this.#checkpoints} (name, run_time, run_index, from_time, updated_at)
       VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))
       ON DUPLICATE KEY UPDATE run_time = VALUES(run_time), run_index = VALUES(run_index),
         from_time = VALUES(from_time), updated_at = VALUES(updated_at)`,
      [key, state.time, state.index, state.from],
    );
  }

  async #rows(operation: string, sql: string, values: unknown[]): Promise<Record<string, unknown>[]> {
    const [rows] = await this.#query(operation, sql, values);
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  }

  async #query(operation: string, sql: string, values: unknown[]): Promise<readonly [unknown, unknown?]> {
    if (this.#autoSetup) await this.setup();
    return this.#run(operation, sql, values);
  }

  async #run(operation: string, sql: string, values?: unknown[]): Promise<readonly [unknown, unknown?]> {
    try {
      return await this.#pool.query(sql, values);
    } catch (error) {
      throw new TransportError(`MySQL schedule store could not ${operation}: ${(error as Error).message}`, {
        cause: error,
        code: "SCHEDULE_STORE_ERROR",
      });
    }
  }

  /** `CREATE TABLE IF NOT EXISTS` is atomic in MySQL: concurrent setups need no lock. */
  async #createTables(): Promise<void> {
    await this.#run(
      "set up its tables",
      `CREATE TABLE IF NOT EXISTS ${this.#checkpoints} (
         name VARCHAR(190) NOT NULL PRIMARY KEY,
         run_time BIGINT NOT NULL,
         run_index INT NOT NULL,
         from_time BIGINT NOT NULL,
         updated_at DATETIME(6) NOT NULL
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    );
    await this.#run(
      "set up its tables",
      `CREATE TABLE IF NOT EXISTS ${this.#locks} (
         name VARCHAR(190) NOT NULL PRIMARY KEY,
         owner VARCHAR(190) NOT NULL,
         expires_at DATETIME(6) NOT NULL
       ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    );
  }
}

/** A table name, checked (it is written into SQL) and backquoted. 64: MySQL's limit. */
function quoted(name: string, option: string): string {
  return `\`${parseSqlIdentifierOption(name, option, "MysqlScheduleStore", 64)}\``;
}
