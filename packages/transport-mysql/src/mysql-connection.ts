import {
  compareWorkerHeartbeats,
  type EncodedEnvelope,
  MessengerError,
  TransportAuthenticationError,
  TransportError,
  type WorkerHeartbeat,
} from "@messenger-ts/core";
import type {
  Connection,
  Pool,
  PoolConnection,
  PoolOptions,
  ResultSetHeader,
  RowDataPacket,
} from "mysql2/promise";
import {
  parseSchemaVersion,
  SCHEMA_VERSION,
  type SchemaNames,
  SETUP_LOCK_NAME,
  schemaStatements,
} from "./schema.js";
import { checkServerVersion, type ServerVersion } from "./server-version.js";
import { acquireDatabase, releaseDatabase, type SharedDatabase, sameDatabase } from "./shared-database.js";

/** How many times a claim runs when InnoDB picks it as a deadlock's victim (Symfony: 3). */
const CLAIM_ATTEMPTS_ON_DEADLOCK = 3;

/** ER_LOCK_DEADLOCK from the driver: the statement's transaction was rolled back whole. */
function isDeadlock(error: unknown): boolean {
  return (error as { errno?: unknown } | null)?.errno === 1213;
}

/** One row as a list or find returns it. `headers` is the JSON text the serializer wrote. */
export interface MessageRow {
  readonly id: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A row a claim took, with the number of this delivery (1 for the first). */
export interface ClaimedRow extends MessageRow {
  readonly deliveryCount: number;
}

interface RawRow extends RowDataPacket {
  id: string;
  body: string;
  headers: string;
}

interface RawClaimedRow extends RawRow {
  delivery_count: number;
  available_at: string;
}

export interface MysqlConnectionSettings {
  /** Connection settings for the pool (password included; never logged). */
  readonly config: PoolOptions;
  readonly names: SchemaNames;
  readonly redeliveryTimeoutMs: number;
  readonly autoSetup: boolean;
  /** `transport "async"`: how errors name the transport. */
  readonly label: string;
  /** `127.0.0.1:3306/app`: how errors name the database, without credentials. */
  readonly target: string;
}

/** `ER_NO_SUCH_TABLE`: the table does not exist. */
const NO_SUCH_TABLE = 1146;
/**
 * A refused login: `ER_ACCESS_DENIED_ERROR` (wrong user or password), `ER_DBACCESS_DENIED_ERROR`
 * (no rights on the database), `ER_ACCESS_DENIED_NO_PASSWORD_ERROR`.
 */
const LOGIN_REFUSED = new Set([1044, 1045, 1698]);

/** Milliseconds as the microseconds of an `INTERVAL ? MICROSECOND`. */
const micros = (ms: number) => Math.max(0, Math.round(ms * 1000));

/**
 * All SQL of the transport. Every time is `UTC_TIMESTAMP(6)` on the server: the session's time
 * zone and the workers' clocks play no part. Every driver error leaves here as a TransportError
 * naming the operation, with the driver's error as `cause`, and never a password.
 */
export class MysqlConnection {
  readonly #settings: MysqlConnectionSettings;
  readonly #t: string;
  #database: SharedDatabase | undefined;
  #setupDone: Promise<void> | undefined;
  /** Learnt at setup: how a bulk insert learns its ids. */
  #server: ServerVersion | undefined;
  #consecutiveIds = false;

  constructor(settings: MysqlConnectionSettings) {
    this.#settings = settings;
    this.#t = settings.names.qualifiedTable;
  }

  /** The shared pool (connecting lazily): for the transaction middleware and the app's own queries. */
  get pool(): Pool {
    return this.#db().pool;
  }

  /** The idle waits of this table in this process (see SharedDatabase.wakers). */
  get wakers(): Set<(queue: string) => void> {
    const wakers = this.#db().wakers;
    let set = wakers.get(this.#t);
    if (!set) {
      set = new Set();
      wakers.set(this.#t, set);
    }
    return set;
  }

  /** Whether a connection taken from some pool talks to this transport's database (then sends may join its transaction). */
  reaches(connection: Connection, pool?: Pool): boolean {
    const database = this.#db();
    return pool === database.pool || sameDatabase(database.identity, connection);
  }

  /**
   * Checks the server version, then creates or checks the tables. Idempotent; concurrent setups
   * (several workers starting at once) queue on a named lock (`GET_LOCK`), since MySQL's DDL
   * cannot run inside a transaction.
   */
  async setup(): Promise<void> {
    await this.#wrap("set up its tables", async () => {
      const connection = await this.#db().pool.getConnection();
      let broken = false;
      try {
        await this.#checkServer(connection);
        // Fast path without the lock: a worker start finds the tables at the current version.
        if ((await this.#installedVersion(connection)) === SCHEMA_VERSION) return;
        const [locked] = await connection.query<RowDataPacket[]>("SELECT GET_LOCK(?, 30) AS locked", [
          SETUP_LOCK_NAME,
        ]);
        if (Number(locked[0]?.locked) !== 1) {
          throw new Error(`another setup held the lock ${SETUP_LOCK_NAME} for 30 s`);
        }
        try {
          // Checked again under the lock: another worker may have set up meanwhile.
          if ((await this.#installedVersion(connection)) === null) {
            for (const statement of schemaStatements(this.#settings.names)) await connection.query(statement);
          }
        } finally {
          await connection.query("SELECT RELEASE_LOCK(?)", [SETUP_LOCK_NAME]);
        }
      } catch (error) {
        broken = (error as { fatal?: unknown }).fatal === true;
        throw error;
      } finally {
        if (broken) connection.destroy();
        else connection.release();
      }
    });
    this.#setupDone = Promise.resolve();
  }

  async insert(
    encoded: EncodedEnvelope,
    queue: string,
    delayMs: number,
    connection?: Connection,
  ): Promise<string> {
    return this.#wrap("send a message", async () => {
      const [result] = await this.#query<ResultSetHeader>(
        `INSERT INTO ${this.#t} (body, headers, queue_name, created_at, available_at)
         VALUES (?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)`,
        [encoded.body, JSON.stringify(encoded.headers), queue, micros(delayMs)],
        connection,
      );
      return String(result.insertId);
    });
  }

  /**
   * One statement for all rows, all or none; returns the ids in the order given. MariaDB returns
   * them (`RETURNING`); MySQL gives the first, and a multi-row insert takes consecutive ids unless
   * `innodb_autoinc_lock_mode` is 2, where the rows go one statement each in one transaction.
   */
  async insertMany(
    encoded: readonly EncodedEnvelope[],
    queue: string,
    delaysMs: readonly number[],
    connection?: Connection,
  ): Promise<string[]> {
    return this.#wrap(`send ${encoded.length} messages`, async () => {
      await this.#ensureSetup();
      const rows = "(?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)";
      const values = encoded.flatMap((e, i) => [
        e.body,
        JSON.stringify(e.headers),
        queue,
        micros(delaysMs[i]!),
      ]);
      const insert = `INSERT INTO ${this.#t} (body, headers, queue_name, created_at, available_at) VALUES ${Array(encoded.length).fill(rows).join(", ")}`;
      if (this.#server?.product !== "MySQL") {
        const [returned] = await this.#query<RowDataPacket[]>(`${insert} RETURNING id`, values, connection);
        return returned.map((row) => String(row.id));
      }
      if (this.#consecutiveIds) {
        const [result] = await this.#query<ResultSetHeader>(insert, values, connection);
        const first = BigInt(result.insertId);
        return encoded.map((_, i) => String(first + BigInt(i)));
      }
      return this.#inTransaction(connection, async (c) => {
        const ids: string[] = [];
        for (let i = 0; i < encoded.length; i++) {
          const [result] = await c.query<ResultSetHeader>(
            `INSERT INTO ${this.#t} (body, headers, queue_name, created_at, available_at) VALUES ${rows}`,
            values.slice(i * 4, i * 4 + 4),
          );
          ids.push(String(result.insertId));
        }
        return ids;
      });
    });
  }

  /**
   * Claims up to `limit` due rows of the queues, oldest first, in one short transaction on one
   * connection: per queue a locking read that walks the claim index in order and skips rows
   * other claims hold (`SKIP LOCKED`, so a claim never waits), then one UPDATE of the rows kept.
   * With several queues each read takes up to `limit`; the oldest `limit` of them are kept, the
   * rest are only unlocked by the COMMIT.
   */
  async claim(queues: readonly string[], limit: number): Promise<ClaimedRow[]> {
    return this.#wrap("receive messages", async () => {
      await this.#ensureSetup();
      const timeout = micros(this.#settings.redeliveryTimeoutMs);
      const select = `SELECT id, body, headers, delivery_count, available_at
        FROM ${this.#t} FORCE INDEX (\`${this.#settings.names.table}_claim_idx\`)
        WHERE queue_name = ? AND available_at <= UTC_TIMESTAMP(6)
          AND (delivered_at IS NULL OR delivered_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND)
        ORDER BY available_at, id LIMIT ? FOR UPDATE SKIP LOCKED`;
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.#claimIn(select, queues, timeout, limit);
        } catch (error) {
          // InnoDB rolled the deadlock victim's whole transaction back, so nothing was claimed and
          // the claim can run again at once; Symfony's Doctrine receiver retries it the same way.
          if (attempt < CLAIM_ATTEMPTS_ON_DEADLOCK && isDeadlock(error)) continue;
          throw error;
        }
      }
    });
  }

  /** One try of the claim: the locking reads and the UPDATE in one transaction of their own. */
  #claimIn(select: string, queues: readonly string[], timeout: number, limit: number): Promise<ClaimedRow[]> {
    return this.#inTransaction(undefined, async (connection) => {
      let rows: RawClaimedRow[] = [];
      for (const queue of queues) {
        const [found] = await connection.query<RawClaimedRow[]>(select, [queue, timeout, limit]);
        rows.push(...found);
      }
      if (queues.length > 1) {
        rows = rows.sort(byAvailableAtThenId).slice(0, limit);
      }
      if (rows.length > 0) {
        await connection.query(
          `UPDATE ${this.#t} SET delivered_at = UTC_TIMESTAMP(6), delivery_count = delivery_count + 1 WHERE id IN (?)`,
          [rows.map((row) => row.id)],
        );
      }
      return rows.map((row) => ({
        id: String(row.id),
        body: row.body,
        headers: parseHeaders(row.headers),
        deliveryCount: Number(row.delivery_count) + 1,
      }));
    });
  }

  /** Ack and reject alike: the row is gone for good. */
  async delete(ids: readonly string[]): Promise<void> {
    await this.#wrap("acknowledge messages", () =>
      this.#query(`DELETE FROM ${this.#t} WHERE id IN (?)`, [ids]),
    );
  }

  /** Makes claimed rows claimable again at once; the delivery the claim counted is taken back. */
  async release(ids: readonly string[]): Promise<void> {
    await this.#wrap("release claimed messages", () =>
      this.#query(
        `UPDATE ${this.#t} SET delivered_at = NULL, delivery_count = GREATEST(delivery_count - 1, 0)
         WHERE id IN (?) AND delivered_at IS NOT NULL`,
        [ids],
      ),
    );
  }

  /** Moves each claim's deadline to now + redeliver_timeout + its extra milliseconds. */
  async keepalive(ids: readonly string[], extraMs: readonly number[]): Promise<void> {
    const byExtra = new Map<number, string[]>();
    ids.forEach((id, i) => {
      const extra = micros(extraMs[i] ?? 0);
      const group = byExtra.get(extra);
      if (group) group.push(id);
      else byExtra.set(extra, [id]);
    });
    await this.#wrap("keep messages alive", async () => {
      for (const [extra, group] of byExtra) {
        await this.#query(
          `UPDATE ${this.#t} SET delivered_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND
           WHERE id IN (?) AND delivered_at IS NOT NULL`,
          [extra, group],
        );
      }
    });
  }

  async count(queue: string): Promise<number> {
    return this.#wrap("count messages", async () => {
      const [rows] = await this.#query<RowDataPacket[]>(
        `SELECT COUNT(*) AS count FROM ${this.#t} WHERE queue_name = ? AND available_at <= UTC_TIMESTAMP(6)
           AND (delivered_at IS NULL OR delivered_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND)`,
        [queue, micros(this.#settings.redeliveryTimeoutMs)],
      );
      return Number(rows[0]!.count);
    });
  }

  /** Every row of the queue, whatever its state. */
  async countStored(queue: string): Promise<number> {
    return this.#wrap("count messages", async () => {
      const [rows] = await this.#query<RowDataPacket[]>(
        `SELECT COUNT(*) AS count FROM ${this.#t} WHERE queue_name = ?`,
        [queue],
      );
      return Number(rows[0]!.count);
    });
  }

  /** `after`: the id the page starts after (ids only grow, so a page goes on where the last one stopped). */
  async list(queue: string, limit: number | null, after: string): Promise<MessageRow[]> {
    return this.#wrap("list messages", async () => {
      const page = limit === null ? "" : " LIMIT ?";
      const [rows] = await this.#query<RawRow[]>(
        `SELECT id, body, headers FROM ${this.#t} WHERE queue_name = ? AND id > ? ORDER BY id${page}`,
        limit === null ? [queue, after] : [queue, after, limit],
      );
      return rows.map(toMessageRow);
    });
  }

  async find(queue: string, id: string): Promise<MessageRow | undefined> {
    return this.#wrap("find a message", async () => {
      const [rows] = await this.#query<RawRow[]>(
        `SELECT id, body, headers FROM ${this.#t} WHERE queue_name = ? AND id = ?`,
        [queue, id],
      );
      return rows[0] ? toMessageRow(rows[0]) : undefined;
    });
  }

  /**
   * Milliseconds (database clock) until a row of the queues becomes claimable: the earliest
   * unclaimed row's `available_at` (past or future) or the earliest claim's expiry; null when the
   * queues hold no rows at all. One statement, a `LIMIT 1` read of the claim index per queue:
   * what an idle worker polls.
   */
  async msUntilDue(queues: readonly string[]): Promise<number | null> {
    return this.#wrap("look for due messages", async () => {
      const timeout = micros(this.#settings.redeliveryTimeoutMs);
      const index = `\`${this.#settings.names.table}_claim_idx\``;
      const parts = queues.map(
        () => `(SELECT available_at AS due FROM ${this.#t} FORCE INDEX (${index})
            WHERE queue_name = ? AND delivered_at IS NULL ORDER BY available_at, id LIMIT 1)
          UNION ALL
          (SELECT MIN(delivered_at) + INTERVAL ? MICROSECOND FROM ${this.#t} FORCE INDEX (${index})
            WHERE queue_name = ? AND available_at <= UTC_TIMESTAMP(6) AND delivered_at IS NOT NULL)`,
      );
      const [rows] = await this.#query<RowDataPacket[]>(
        `SELECT TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), MIN(d.due)) AS wait_us FROM (${parts.join(" UNION ALL ")}) AS d`,
        queues.flatMap((queue) => [queue, timeout, queue]),
      );
      const wait = rows[0]?.wait_us;
      return wait === null || wait === undefined ? null : Number(wait) / 1000;
    });
  }

  async requestRestart(at: number): Promise<void> {
    await this.#wrap("record the restart signal", () =>
      this.#query(
        `INSERT INTO ${this.#settings.names.qualifiedRestartTable} (id, requested_at) VALUES (1, ?)
         ON DUPLICATE KEY UPDATE requested_at = GREATEST(requested_at, VALUES(requested_at))`,
        [Math.trunc(at)],
      ),
    );
  }

  async restartRequestedAt(): Promise<number | null> {
    return this.#wrap("read the restart signal", async () => {
      const [rows] = await this.#query<RowDataPacket[]>(
        `SELECT requested_at FROM ${this.#settings.names.qualifiedRestartTable} WHERE id = 1`,
        [],
      );
      return rows.length === 0 ? null : Number(rows[0]!.requested_at);
    });
  }

  async beatWorker(heartbeat: WorkerHeartbeat, ttlMs: number): Promise<void> {
    await this.#wrap("publish the worker heartbeat", () =>
      this.#query(
        `INSERT INTO ${this.#settings.names.qualifiedWorkersTable} (id, heartbeat, expires_at)
         VALUES (?, ?, UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND)
         ON DUPLICATE KEY UPDATE heartbeat = VALUES(heartbeat), expires_at = VALUES(expires_at)`,
        [heartbeat.id, JSON.stringify(heartbeat), micros(ttlMs)],
      ),
    );
  }

  /**
   * The live workers, without setting anything up (a status command creates nothing): a missing
   * table lists none, since no worker beat into it. Expired rows are deleted on the way.
   */
  async listWorkers(): Promise<WorkerHeartbeat[]> {
    return this.#wrap("list the workers", async () => {
      const table = this.#settings.names.qualifiedWorkersTable;
      try {
        const pool = this.#db().pool;
        await pool.query(`DELETE FROM ${table} WHERE expires_at <= UTC_TIMESTAMP(6)`);
        const [rows] = await pool.query<RowDataPacket[]>(
          `SELECT heartbeat FROM ${table} WHERE expires_at > UTC_TIMESTAMP(6)`,
        );
        return rows
          .map((row) => JSON.parse(row.heartbeat as string) as WorkerHeartbeat)
          .sort(compareWorkerHeartbeats);
      } catch (error) {
        if (errnoOf(error) === NO_SUCH_TABLE) return [];
        throw error;
      }
    });
  }

  async removeWorker(id: string): Promise<void> {
    await this.#wrap("remove the worker heartbeat", async () => {
      try {
        await this.#db().pool.query(
          `DELETE FROM ${this.#settings.names.qualifiedWorkersTable} WHERE id = ?`,
          [id],
        );
      } catch (error) {
        if (errnoOf(error) !== NO_SUCH_TABLE) throw error;
      }
    });
  }

  /** Gives the shared pool back (the last transport closes it). Used again, it reconnects. */
  async close(): Promise<void> {
    const database = this.#database;
    this.#database = undefined;
    this.#setupDone = undefined;
    if (database) await releaseDatabase(database);
  }

  /**
   * Wraps a driver failure; errors of this library (setup's checks) pass through as they are. A
   * refused login is a TransportAuthenticationError: a configuration error, which stops a worker
   * at once instead of being retried like an outage.
   */
  async #wrap<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof MessengerError) throw error;
      const { label, target, names } = this.#settings;
      const reason =
        error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
      if (LOGIN_REFUSED.has(errnoOf(error) ?? 0)) {
        // The server's reason names the user and host, never the password it was sent.
        throw new TransportAuthenticationError(
          `MySQL ${label} could not ${operation}: ${target} refused the login (${reason}); check the user and password of its DSN.`,
          { cause: error },
        );
      }
      throw new TransportError(
        `MySQL ${label} could not ${operation} (table ${names.table} on ${target}): ${reason}`,
        {
          cause: error,
        },
      );
    }
  }

  async #ensureSetup(): Promise<void> {
    if (this.#settings.autoSetup && !this.#setupDone) {
      this.#setupDone = this.setup().catch((error) => {
        this.#setupDone = undefined;
        throw error;
      });
    }
    await this.#setupDone;
  }

  async #query<R extends RowDataPacket[] | ResultSetHeader = ResultSetHeader>(
    sql: string,
    values: unknown[],
    connection?: Connection,
  ): Promise<[R, unknown]> {
    await this.#ensureSetup();
    const target = connection ?? this.#db().pool;
    return (await target.query<R>(sql, values)) as [R, unknown];
  }

  /**
   * Runs `work` in a transaction: on the caller's connection as it is (its transaction is the
   * caller's), else on a connection of the pool, committed here. A connection whose ROLLBACK
   * fails is in an unknown state: it is destroyed, not handed out again.
   */
  async #inTransaction<T>(
    connection: Connection | undefined,
    work: (connection: Connection) => Promise<T>,
  ): Promise<T> {
    if (connection) return work(connection);
    const own: PoolConnection = await this.#db().pool.getConnection();
    let broken = false;
    try {
      await own.query("START TRANSACTION");
      const result = await work(own);
      await own.query("COMMIT");
      return result;
    } catch (error) {
      await own.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      if (broken) own.destroy();
      else own.release();
    }
  }

  async #checkServer(connection: Connection): Promise<void> {
    if (this.#server) return;
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT VERSION() AS version, @@innodb_autoinc_lock_mode AS lock_mode",
    );
    const server = checkServerVersion(String(rows[0]?.version ?? ""), this.#settings.label);
    this.#consecutiveIds = Number(rows[0]?.lock_mode) < 2;
    this.#server = server;
  }

  async #installedVersion(connection: Connection): Promise<number | null> {
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT TABLE_COMMENT AS comment FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
      [this.#settings.names.table],
    );
    if (rows.length === 0) return null;
    const version = parseSchemaVersion(rows[0]!.comment as string | null);
    const table = this.#settings.names.table;
    if (version === null) {
      throw new TransportError(
        `Table ${table} exists but was not created by messenger-ts (its comment holds no schema version); choose another table_name or database, or drop it.`,
        { code: "FOREIGN_TABLE" },
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new TransportError(
        `Table ${table} has schema version ${version}, newer than the ${SCHEMA_VERSION} this release knows: upgrade @messenger-ts/transport-mysql.`,
        { code: "SCHEMA_TOO_NEW" },
      );
    }
    return version;
  }

  #db(): SharedDatabase {
    this.#database ??= acquireDatabase(this.#settings.config);
    return this.#database;
  }
}

function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === "number" ? errno : undefined;
}

/** Headers are stored as the JSON text of an object; anything else reads as no headers (the decoder then says what is missing). */
function parseHeaders(text: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, string>)
      : {};
  } catch {
    return {};
  }
}

function toMessageRow(row: RawRow): MessageRow {
  return { id: String(row.id), body: row.body, headers: parseHeaders(row.headers) };
}

/** `available_at` is DATETIME(6) text, which sorts as the time it holds. */
function byAvailableAtThenId(a: RawClaimedRow, b: RawClaimedRow): number {
  if (a.available_at !== b.available_at) return a.available_at < b.available_at ? -1 : 1;
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x < y ? -1 : x > y ? 1 : 0;
}
