import { TransportError } from "@messenger-ts/core";
import { parseSqlIdentifierOption } from "@messenger-ts/core/transport";
import { type CheckpointState, type CheckpointStore, checkpointStateFrom } from "./checkpoint-store.js";
import type { LockStore } from "./lock-store.js";

/** What the store needs of a `pg` result. */
export interface PgQueryResult {
  readonly rows: readonly Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** What the store needs of a `pg` client: queries with bound parameters. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<PgQueryResult>;
}

/** A `pg.Pool` as the store sees it: queries, and a dedicated client for the setup transaction. */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(error?: Error | boolean): void }>;
}

export interface PostgresScheduleStoreOptions {
  /** @defaultValue "public" */
  readonly schema?: string;
  /** @defaultValue "messenger_scheduler_checkpoints" */
  readonly checkpointTable?: string;
  /** @defaultValue "messenger_scheduler_locks" */
  readonly lockTable?: string;
  /** Create the tables (and the schema) on first use. @defaultValue true */
  readonly autoSetup?: boolean;
}

/** Serialises concurrent setups (several workers starting at once) across the database. */
const SETUP_LOCK = 0x5c4ed;

/**
 * Lock and checkpoint in PostgreSQL, for workers on several machines. Pass the application's
 * `pg.Pool`; `pg` is not imported here.
 *
 * The lock is a row with an expiry rather than an advisory lock: an advisory lock belongs to one
 * session, so holding it between polls would pin a pooled connection for the worker's life (and
 * break behind a transaction-pooling PgBouncer). The row is taken, renewed or refused in one
 * atomic upsert, measured by the database's clock, so workers' clocks may differ.
 */
export class PostgresScheduleStore implements LockStore, CheckpointStore {
  readonly #pool: PgPoolLike;
  readonly #schema: string;
  readonly #checkpoints: string;
  readonly #locks: string;
  readonly #autoSetup: boolean;
  #setup: Promise<void> | undefined;

  constructor(pool: PgPoolLike, options: PostgresScheduleStoreOptions = {}) {
    this.#pool = pool;
    this.#schema = quoted(options.schema ?? "public", "schema");
    this.#checkpoints = `${this.#schema}.${quoted(options.checkpointTable ?? "messenger_scheduler_checkpoints", "checkpointTable")}`;
    this.#locks = `${this.#schema}.${quoted(options.lockTable ?? "messenger_scheduler_locks", "lockTable")}`;
    this.#autoSetup = options.autoSetup ?? true;
  }

  /** Creates the schema and tables if missing. Idempotent and safe to run from several workers. */
  setup(): Promise<void> {
    this.#setup ??= this.#createTables().catch((error) => {
      this.#setup = undefined;
      throw error;
    });
    return this.#setup;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const result = await this.#query(
      "acquire the schedule lock",
      `INSERT INTO ${this.#locks} (name, owner, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3::bigint * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE ${this.#locks}.owner = EXCLUDED.owner OR ${this.#locks}.expires_at <= clock_timestamp()
       RETURNING owner`,
      [key, owner, Math.ceil(ttlMs)],
    );
    return (result.rowCount ?? result.rows.length) > 0;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.#query(
      "release the schedule lock",
      `DELETE FROM ${this.#locks} WHERE name = $1 AND owner = $2`,
      [key, owner],
    );
  }

  async load(key: string): Promise<CheckpointState | null> {
    const result = await this.#query(
      "load the schedule checkpoint",
      `SELECT run_time, run_index, from_time FROM ${this.#checkpoints} WHERE name = $1`,
      [key],
    );
    const row = result.rows[0];
    if (!row) return null;
    // bigint columns come back as strings from pg.
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
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (name) DO UPDATE
       SET run_time = EXCLUDED.run_time, run_index = EXCLUDED.run_index, from_time = EXCLUDED.from_time,
           updated_at = now()`,
      [key, state.time, state.index, state.from],
    );
  }

  async #query(operation: string, text: string, values: unknown[]): Promise<PgQueryResult> {
    if (this.#autoSetup) await this.setup();
    try {
      return await this.#pool.query(text, values);
    } catch (error) {
      throw new TransportError(
        `PostgreSQL schedule store could not ${operation}: ${(error as Error).message}`,
        {
          cause: error,
          code: "SCHEDULE_STORE_ERROR",
        },
      );
    }
  }

  async #createTables(): Promise<void> {
    let client: Awaited<ReturnType<PgPoolLike["connect"]>>;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw new TransportError(`PostgreSQL schedule store could not connect: ${(error as Error).message}`, {
        cause: error,
        code: "SCHEDULE_STORE_ERROR",
      });
    }
    let failure: Error | undefined;
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [SETUP_LOCK]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.#checkpoints} (
           name text PRIMARY KEY,
           run_time bigint NOT NULL,
           run_index integer NOT NULL,
           from_time bigint NOT NULL,
           updated_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.#locks} (
           name text PRIMARY KEY,
           owner text NOT NULL,
           expires_at timestamptz NOT NULL
         )`,
      );
      await client.query("COMMIT");
    } catch (error) {
      failure = error as Error;
      await client.query("ROLLBACK").catch(() => {});
      throw new TransportError(`PostgreSQL schedule store could not set up its tables: ${failure.message}`, {
        cause: error,
        code: "SCHEDULE_STORE_ERROR",
      });
    } finally {
      client.release(failure);
    }
  }
}

/** A table or schema name, checked (it is written into SQL) and double-quoted. 63: PostgreSQL's limit. */
function quoted(name: string, option: string): string {
  return `"${parseSqlIdentifierOption(name, option, "PostgresScheduleStore", 63)}"`;
}
