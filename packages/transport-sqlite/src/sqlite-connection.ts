import { existsSync } from "node:fs";
import { type ThroughputBucket, TransportError } from "@messenger-ts/core";
import { resolveSqliteDriver, type SqliteDriverChoice } from "./open-sqlite-database.js";
import {
  KEPT_KEY_AVAILABLE_AT,
  KEPT_KEY_PRIORITY,
  META_RESTART_REQUESTED_AT,
  META_SCHEMA_VERSION,
  MIGRATIONS,
  metaTableSql,
  REQUIRED_COLUMNS,
  SCHEMA_VERSION,
  type SchemaNames,
  schemaNames,
  workersTableSql,
} from "./schema.js";
import type { SqliteDriverConnection as SqliteDatabase } from "./sqlite-driver.js";
import {
  acquireHandle,
  inTransaction,
  MEMORY,
  notifyWrite,
  prepared,
  releaseHandle,
  retryWhileBusy,
  toTransportError,
  WRITE_BUDGET_MS,
} from "./sqlite-handle.js";
import { readThroughput, recordThroughput } from "./sqlite-throughput.js";

/** A contended claim soon counts as an empty round: the worker tries again after its idle wait. */
const CLAIM_BUDGET_MS = 250;

function isMissingTable(error: unknown): boolean {
  return error instanceof Error && /no such table/i.test(error.message);
}

/** A stored message as the transport reads it back. */
export interface MessageRow {
  readonly id: number;
  readonly body: unknown;
  readonly headers: unknown;
  readonly queue_name: string;
  /** A time in milliseconds; anything else (text or a blob written by hand) is decoded as undecodable. */
  readonly available_at: unknown;
}

/** A row as a claim returns it: with the number of this delivery (1 for the first). */
export interface ClaimedRow extends MessageRow {
  readonly delivery_count: number;
  readonly priority: number;
}

export interface NewMessage {
  readonly body: string;
  readonly headers: string;
  readonly queueName: string;
  readonly createdAt: number;
  readonly availableAt: number;
  /** 0 to 255, higher first. */
  readonly priority: number;
}

/** What a send with a deduplication key asks for (see `DeduplicateStamp`). */
export interface NewDeduplication {
  readonly key: string;
  /** Epoch ms the key is released at, whatever holds it. */
  readonly until: number;
  /** A worker taking the message releases the key. */
  readonly inQueue: boolean;
  /** A held key's waiting message takes this one's body, due time and priority. */
  readonly replace: boolean;
  /** ... and the key's deadline too (`debounce`). */
  readonly extend: boolean;
}

export type DeduplicationOutcome = "stored" | "replaced" | "dropped";

export interface SqliteConnectionConfig {
  /** Absolute path or ":memory:"; ignored when `database` is given. */
  readonly path?: string;
  /** The application's handle, adapted; the connection never closes it. */
  readonly database?: SqliteDatabase;
  /** Which driver opens `path`. */
  readonly driver: SqliteDriverChoice;
  readonly tableName: string;
  readonly autoSetup: boolean;
  /** Names the transport in errors: `"async" (table "messenger_messages" in /srv/app.sqlite)`. */
  readonly where: string;
}

/**
 * One transport table on an SQLite handle of either driver (see sqlite-handle.ts): setting the schema up and
 * every statement the transport runs, so no SQL lives anywhere else. Operations retry SQLITE_BUSY
 * asynchronously, except inside a transaction, which only its owner can decide to retry. Driver
 * errors leave as TransportErrors naming the operation, with the driver error as `cause`.
 */
export class SqliteConnection {
  readonly #config: SqliteConnectionConfig;
  readonly #names: SchemaNames;
  #db: SqliteDatabase | undefined;
  #setUp = false;
  #inspectOnly = false;

  constructor(config: SqliteConnectionConfig) {
    this.#config = config;
    this.#names = schemaNames(config.tableName);
  }

  /** The handle, opened on first use (building a transport never touches the disk). */
  get database(): SqliteDatabase {
    if (!this.#db?.open) this.#db = this.#open();
    return this.#db;
  }

  /** From now on nothing is created: no directory, no file, no table (see InspectOnlyTransport). */
  inspectOnly(): void {
    this.#inspectOnly = true;
  }

  #open(): SqliteDatabase {
    const { database, path = MEMORY, autoSetup, driver, where } = this.#config;
    if (database) return database;
    // Opening a missing file creates it: refuse before the driver gets the chance.
    if (this.#inspectOnly && path !== MEMORY && !existsSync(path)) {
      throw new TransportError(
        `SQLite transport ${where}: the database file does not exist, and nothing was created. Check the path in the DSN, or run messenger:setup-transports to create it.`,
        { code: "SQLITE_DATABASE_NOT_FOUND" },
      );
    }
    try {
      // Auto setup means "create what is needed", and for a fresh project that includes var/.
      return acquireHandle(path, autoSetup && !this.#inspectOnly, resolveSqliteDriver(driver, where));
    } catch (error) {
      throw toTransportError(error, "open the database", this.#config.where);
    }
  }

  /** Runs setup once, on first use, when auto setup is on; with `db`, for a send through that handle. */
  async ready(db?: SqliteDatabase): Promise<void> {
    if (!this.#config.autoSetup || this.#setUp || this.#inspectOnly) return;
    if (db && db !== this.database && db.inTransaction) {
      // Our own handle would wait for the lock this very transaction may hold. Set up inside it
      // instead, without marking it done: the caller may still roll it back.
      await this.#run("set up the table", (h) => inTransaction(h, () => this.#migrate(h)), 0, db);
      return;
    }
    await this.setup();
  }

  /** WAL (readers never block the writer), then the tables; serialised across processes by IMMEDIATE. */
  async setup(): Promise<void> {
    await this.#run("set up the table", (db) => {
      // journal_mode cannot change inside a transaction; a later setup outside one will do it.
      if (!db.inTransaction) db.exec("PRAGMA journal_mode = WAL");
      inTransaction(db, () => this.#migrate(db), true);
    });
    this.#setUp = true;
  }

  /** Stores the messages and wakes this process's idle waiters on the file. */
  async insert(messages: readonly NewMessage[], db: SqliteDatabase = this.database): Promise<number[]> {
    const ids = await this.#run(
      "send",
      (h) => {
        const insert = prepared(
          h,
          `INSERT INTO ${this.#names.table} (body, headers, queue_name, created_at, available_at, priority) VALUES (?, ?, ?, ?, ?, ?)`,
        );
        const one = (m: NewMessage) =>
          Number(
            insert.run(m.body, m.headers, m.queueName, m.createdAt, m.availableAt, m.priority)
              .lastInsertRowid,
          );
        // Many rows: one transaction, one lock, one commit, and all or none.
        return messages.length === 1 ? [one(messages[0]!)] : inTransaction(h, () => messages.map(one), true);
      },
      WRITE_BUDGET_MS,
      db,
    );
    notifyWrite(this.database);
    return ids;
  }

  /**
   * Stores a message with a deduplication key, in one IMMEDIATE transaction (a savepoint inside
   * the caller's): a key past its deadline is given up (a kept key row goes, a waiting message
   * stays without it), and so is one whose message a worker took when it only deduplicated while
   * waiting (the claim writes no key), then the insert, which the unique index turns away when the key is held,
   * also by a process that got there first. Returns the row holding the key and what happened.
   */
  async insertDeduplicated(
    message: NewMessage,
    deduplication: NewDeduplication,
    db: SqliteDatabase = this.database,
  ): Promise<{ id: number; outcome: DeduplicationOutcome }> {
    const t = this.#names.table;
    const result = await this.#run(
      "send",
      (h) =>
        inTransaction(
          h,
          () => {
            const now = message.createdAt;
            prepared(
              h,
              `DELETE FROM ${t} WHERE queue_name = ? AND deduplication_key = ? AND deduplicate_until <= ? AND priority = ${KEPT_KEY_PRIORITY}`,
            ).run(message.queueName, deduplication.key, now);
            prepared(
              h,
              `UPDATE ${t} SET deduplication_key = NULL WHERE queue_name = ? AND deduplication_key = ?
                 AND (deduplicate_until <= ? OR (deduplicate_in_queue = 1 AND delivered_at IS NOT NULL))`,
            ).run(message.queueName, deduplication.key, now);
            const inserted = prepared(
              h,
              `INSERT INTO ${t} (body, headers, queue_name, created_at, available_at, priority,
                 deduplication_key, deduplicate_until, deduplicate_in_queue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (queue_name, deduplication_key) WHERE deduplication_key IS NOT NULL DO NOTHING`,
            ).run(
              message.body,
              message.headers,
              message.queueName,
              now,
              message.availableAt,
              message.priority,
              deduplication.key,
              deduplication.until,
              deduplication.inQueue ? 1 : 0,
            );
            if (Number(inserted.changes) === 1) {
              return { id: Number(inserted.lastInsertRowid), outcome: "stored" as const };
            }
            const holder = prepared(
              h,
              `SELECT id, priority, delivered_at FROM ${t} WHERE queue_name = ? AND deduplication_key = ?`,
            ).get(message.queueName, deduplication.key) as
              | { id: number; priority: number; delivered_at: unknown }
              | undefined;
            if (!holder) {
              // Only a row written by hand without its key could get here: the insert met a conflict.
              throw new TransportError(
                `SQLite transport ${this.#config.where}: deduplication key "${deduplication.key}" of queue "${message.queueName}" was neither stored nor found held.`,
              );
            }
            if (!deduplication.replace || holder.priority < 0 || holder.delivered_at !== null) {
              return { id: holder.id, outcome: "dropped" as const };
            }
            prepared(
              h,
              `UPDATE ${t} SET body = ?, headers = ?, available_at = ?, priority = ?,
                 deduplicate_until = CASE WHEN ? THEN ? ELSE deduplicate_until END WHERE id = ?`,
            ).run(
              message.body,
              message.headers,
              message.availableAt,
              message.priority,
              deduplication.extend ? 1 : 0,
              deduplication.until,
              holder.id,
            );
            return { id: holder.id, outcome: "replaced" as const };
          },
          true,
        ),
      WRITE_BUDGET_MS,
      db,
    );
    if (result.outcome !== "dropped") notifyWrite(this.database);
    return result;
  }

  /**
   * Ack and reject of messages whose key outlives them (throttle): the row stays, emptied, as the
   * key's holder until its deadline; kept keys of the queue whose deadline passed go on the way.
   */
  deleteKeepingKeys(ids: readonly number[], queue: string, now: number): Promise<void> {
    const t = this.#names.table;
    return this.#run("remove messages", (db) =>
      inTransaction(
        db,
        () => {
          const list = JSON.stringify(ids);
          prepared(
            db,
            `DELETE FROM ${t} WHERE queue_name = ? AND priority = ${KEPT_KEY_PRIORITY} AND deduplicate_until <= ?`,
          ).run(queue, now);
          prepared(
            db,
            `UPDATE ${t} SET body = '', headers = '{}', available_at = ${KEPT_KEY_AVAILABLE_AT}, delivered_at = NULL,
               priority = ${KEPT_KEY_PRIORITY}
             WHERE id IN (SELECT value FROM json_each(?)) AND deduplication_key IS NOT NULL AND deduplicate_until > ?`,
          ).run(list, now);
          prepared(db, `DELETE FROM ${t} WHERE id IN (SELECT value FROM json_each(?)) AND priority >= 0`).run(
            list,
          );
        },
        true,
      ),
    );
  }

  /**
   * Claims up to `limit` due messages of the queues, oldest due first: a read without the lock
   * first (an idle queue costs no write lock), then the pick and the claim in one IMMEDIATE
   * transaction, so two processes never claim the same row. The claim counts a delivery in the
   * same UPDATE, so no delivery goes uncounted whatever happens to the process after it.
   */
  async claim(
    queues: readonly string[],
    now: number,
    expiredBefore: number,
    limit: number,
  ): Promise<ClaimedRow[]> {
    const candidates = `SELECT id, priority, available_at FROM ${this.#names.table}
      WHERE queue_name = ? AND available_at <= ? AND ${NOT_CLAIMED}
      ORDER BY priority DESC, available_at, id LIMIT ?`;
    // SQLite sorts text and blobs after every number, so these rows are one index range and never
    // match "available_at <= now": without this they would stay stuck, seen by nothing. Through
    // their partial index, named: without statistics the planner prefers the covering claim index,
    // and reads the whole queue through it.
    const timeless = `SELECT id, priority, available_at FROM ${this.#names.table} INDEXED BY ${this.#names.textDueIndex}
      WHERE queue_name = ? AND available_at >= '' AND ${NOT_CLAIMED} LIMIT ?`;
    const due = await this.#run("look for messages", (db) =>
      queues.some(
        (queue) =>
          prepared(db, candidates).get(queue, now, expiredBefore, 1) !== undefined ||
          prepared(db, timeless).get(queue, expiredBefore, 1) !== undefined,
      ),
    );
    if (!due) return [];
    return this.#run(
      "claim messages",
      (db) =>
        inTransaction(
          db,
          () => {
            let picked: Due[] = [];
            for (const queue of queues) {
              picked.push(
                ...(prepared(db, timeless).all(queue, expiredBefore, limit) as unknown as typeof picked),
                ...(prepared(db, candidates).all(
                  queue,
                  now,
                  expiredBefore,
                  limit,
                ) as unknown as typeof picked),
              );
            }
            if (picked.length === 0) return [];
            if (picked.length > limit) picked = picked.sort(byDue).slice(0, limit);
            const rows = prepared(
              db,
              `UPDATE ${this.#names.table} SET delivered_at = ?, delivery_count = delivery_count + 1
               WHERE id IN (SELECT value FROM json_each(?))
               RETURNING id, body, headers, queue_name, priority, available_at, delivery_count`,
            ).all(now, JSON.stringify(picked.map((row) => row.id))) as unknown as ClaimedRow[];
            // RETURNING gives no order guarantee.
            return rows.sort(byDue);
          },
          true,
        ),
      CLAIM_BUDGET_MS,
    );
  }

  /** Acknowledged or rejected: gone for good (several in one statement). */
  delete(ids: readonly number[]): Promise<void> {
    return this.#run("remove messages", (db) => {
      prepared(db, `DELETE FROM ${this.#names.table} WHERE id IN (SELECT value FROM json_each(?))`).run(
        JSON.stringify(ids),
      );
    });
  }

  /** Keepalive: a fresh claim time for messages still claimed. */
  touch(ids: readonly number[], now: number): Promise<void> {
    return this.#run("keep messages alive", (db) => {
      prepared(
        db,
        `UPDATE ${this.#names.table} SET delivered_at = ?
         WHERE id IN (SELECT value FROM json_each(?)) AND delivered_at IS NOT NULL`,
      ).run(now, JSON.stringify(ids));
    });
  }

  /**
   * Hands claimed messages back: claimable again at once, and the delivery not counted (the
   * worker never started them). A message not claimed any more is left alone, so a second
   * release takes nothing back.
   */
  release(ids: readonly number[]): Promise<void> {
    return this.#run("release claimed messages", (db) => {
      prepared(
        db,
        `UPDATE ${this.#names.table} SET delivered_at = NULL, delivery_count = MAX(delivery_count - 1, 0)
         WHERE id IN (SELECT value FROM json_each(?)) AND delivered_at IS NOT NULL`,
      ).run(JSON.stringify(ids));
    });
  }

  count(queue: string, now: number, expiredBefore: number): Promise<number> {
    return this.#run("count messages", (db) => {
      // Two index ranges (due rows, rows without a numeric due time); an OR would scan the queue.
      const row = prepared(
        db,
        `SELECT (SELECT COUNT(*) FROM ${this.#names.table}
           WHERE queue_name = ? AND available_at <= ? AND ${NOT_CLAIMED})
         + (SELECT COUNT(*) FROM ${this.#names.table}
           WHERE queue_name = ? AND available_at >= '' AND ${NOT_CLAIMED}) AS n`,
      ).get(queue, now, expiredBefore, queue, expiredBefore) as { n: number };
      return row.n;
    });
  }

  /** Every row of the queue, whatever its state (stuck rows with a non-numeric due time too). */
  countStored(queue: string): Promise<number> {
    return this.#run("count messages", (db) => {
      const row = prepared(
        db,
        `SELECT COUNT(*) AS n FROM ${this.#names.table} WHERE queue_name = ? AND priority >= 0`,
      ).get(queue) as { n: number };
      return row.n;
    });
  }

  /**
   * Stored messages of the queue, claimed and delayed ones too, in send order, after id `after`
   * (0 for the first page). AUTOINCREMENT ids only grow, so a page goes on where the last one
   * stopped even when its last row was deleted meanwhile.
   */
  list(queue: string, limit: number, after: number): Promise<MessageRow[]> {
    return this.#run("list messages", (db) =>
      prepared(
        db,
        `SELECT id, body, headers, queue_name, available_at FROM ${this.#names.table}
         WHERE queue_name = ? AND id > ? AND priority >= 0 ORDER BY id LIMIT ?`,
      ).all(queue, after, limit),
    ) as Promise<unknown> as Promise<MessageRow[]>;
  }

  find(queue: string, id: number): Promise<MessageRow | undefined> {
    return this.#run("find a message", (db) =>
      prepared(
        db,
        `SELECT id, body, headers, queue_name, available_at FROM ${this.#names.table}
         WHERE id = ? AND queue_name = ? AND priority >= 0`,
      ).get(id, queue),
    ) as Promise<unknown> as Promise<MessageRow | undefined>;
  }

  /** When the next unclaimed message of the queues is due (maybe already), or null when none is stored. */
  nextDueAt(queues: readonly string[], expiredBefore: number): Promise<number | null> {
    return this.#run("look for messages", (db) => {
      let next: number | null = null;
      for (const queue of queues) {
        const row = prepared(
          db,
          `SELECT available_at FROM ${this.#names.table}
           WHERE queue_name = ? AND priority >= 0 AND ${NOT_CLAIMED} ORDER BY available_at LIMIT 1`,
        ).get(queue, expiredBefore) as { available_at: unknown } | undefined;
        if (row === undefined) continue;
        // Text or a blob sorts last: only when nothing else waits, and then it is due (as undecodable).
        const at = typeof row.available_at === "number" ? row.available_at : 0;
        if (next === null || at < next) next = at;
      }
      return next;
    });
  }

  /** `messenger:stop-workers`: the latest request wins. */
  requestRestart(at: number): Promise<void> {
    return this.#run("store the restart signal", (db) => {
      prepared(
        db,
        `INSERT INTO ${this.#names.meta} (name, value) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      ).run(META_RESTART_REQUESTED_AT, at);
    });
  }

  restartRequestedAt(): Promise<number | null> {
    return this.#run("read the restart signal", (db) => {
      const row = prepared(db, `SELECT value FROM ${this.#names.meta} WHERE name = ?`).get(
        META_RESTART_REQUESTED_AT,
      ) as { value: number } | undefined;
      return row?.value ?? null;
    });
  }

  /** Upserts the worker's heartbeat, alive until `expiresAt` (epoch ms). */
  beatWorker(id: string, heartbeat: string, expiresAt: number): Promise<void> {
    return this.#run("publish the worker heartbeat", (db) => {
      prepared(
        db,
        `INSERT INTO ${this.#names.workers} (id, heartbeat, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat, expires_at = excluded.expires_at`,
      ).run(id, heartbeat, expiresAt);
    });
  }

  /**
   * The heartbeats not expired at `now`, after deleting the expired ones (the lazy cleanup; a
   * read-only file keeps them and still lists only the live ones). No table: none.
   */
  listWorkers(now: number): Promise<string[]> {
    return this.#run("list the workers", (db) => {
      const present = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(this.#names.plainWorkers);
      if (present === undefined) return [];
      try {
        prepared(db, `DELETE FROM ${this.#names.workers} WHERE expires_at <= ?`).run(now);
      } catch {
        // Busy or read-only: the cleanup waits for the next list; the filter below is what counts.
      }
      return (
        prepared(db, `SELECT heartbeat FROM ${this.#names.workers} WHERE expires_at > ?`).all(now) as {
          heartbeat: string;
        }[]
      ).map((row) => row.heartbeat);
    });
  }

  removeWorker(id: string): Promise<void> {
    return this.#run("remove the worker heartbeat", (db) => {
      const present = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(this.#names.plainWorkers);
      if (present !== undefined) prepared(db, `DELETE FROM ${this.#names.workers} WHERE id = ?`).run(id);
    });
  }

  /**
   * Runs statements of the table's companions (pause state, shared limits) on this handle, with
   * its busy retries and errors (a TransportError naming the operation).
   */
  runControl<T>(operation: string, fn: (db: SqliteDatabase) => T): Promise<T> {
    return this.#run(operation, fn);
  }

  /** Adds worker throughput to `<table>_throughput` (created when missing), dropping rows before `before`. */
  recordThroughput(buckets: readonly ThroughputBucket[], before: number): Promise<void> {
    return this.#run("record the worker throughput", (db) =>
      recordThroughput(db, this.#names.plainTable, buckets, before),
    );
  }

  /** The throughput rows of these transports from `since` on; sets nothing up. */
  readThroughput(transports: readonly string[], since: number): Promise<ThroughputBucket[]> {
    return this.#run("read the worker throughput", (db) =>
      readThroughput(db, this.#names.plainTable, transports, since),
    );
  }

  /** Lets go of the handle: a shared one closes with its last user; an application's one never. */
  close(): void {
    const db = this.#db;
    this.#db = undefined;
    this.#setUp = false;
    if (!db || db === this.#config.database || !db.open) return;
    try {
      releaseHandle(this.#config.path ?? MEMORY, db);
    } catch (error) {
      throw toTransportError(error, "close the database", this.#config.where);
    }
  }

  /**
   * Runs one operation: busy retries outside transactions, and one recovery when the table
   * vanished (dropped by hand) while auto setup is on, as Symfony does.
   */
  async #run<T>(
    operation: string,
    fn: (db: SqliteDatabase) => T,
    budgetMs = WRITE_BUDGET_MS,
    db?: SqliteDatabase,
  ): Promise<T> {
    const handle = db ?? this.database;
    const attempt = () => retryWhileBusy(() => fn(handle), handle.inTransaction ? 0 : budgetMs);
    try {
      return await attempt();
    } catch (error) {
      if (!(this.#config.autoSetup && this.#setUp && isMissingTable(error))) {
        throw toTransportError(error, operation, this.#config.where);
      }
      this.#setUp = false;
      await this.ready(handle);
      try {
        return await attempt();
      } catch (again) {
        throw toTransportError(again, operation, this.#config.where);
      }
    }
  }

  /** Brings the table to SCHEMA_VERSION; runs inside a transaction, so it is all or nothing. */
  #migrate(db: SqliteDatabase): void {
    const names = this.#names;
    db.exec(metaTableSql(names));
    const columnsOf = () =>
      (
        db.prepare("SELECT name FROM pragma_table_info(?)").all(names.plainTable) as unknown as {
          name: string;
        }[]
      ).map((c) => c.name);
    const columns = columnsOf();
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
    if (columns.length > 0 && missing.length > 0) {
      throw new TransportError(
        `SQLite transport ${this.#config.where}: table "${names.plainTable}" exists but was not created by this transport (missing columns: ${missing.join(", ")}). Choose another table_name.`,
        { code: "INCOMPATIBLE_TABLE" },
      );
    }
    const row = db.prepare(`SELECT value FROM ${names.meta} WHERE name = ?`).get(META_SCHEMA_VERSION) as
      | { value: number }
      | undefined;
    // A table dropped by hand leaves its version row behind: start again from nothing.
    const version = columns.length === 0 ? 0 : (row?.value ?? 0);
    if (version > SCHEMA_VERSION) {
      throw new TransportError(
        `SQLite transport ${this.#config.where}: the table has schema version ${version}, but this release of @messenger-ts/transport-sqlite knows versions up to ${SCHEMA_VERSION}. Upgrade the package.`,
        { code: "SCHEMA_TOO_NEW" },
      );
    }
    for (let step = version; step < SCHEMA_VERSION; step++) {
      for (const sql of MIGRATIONS[step]!(names, columnsOf())) db.exec(sql);
    }
    db.exec(workersTableSql(names));
    if (row?.value !== SCHEMA_VERSION) {
      db.prepare(
        `INSERT INTO ${names.meta} (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      ).run(META_SCHEMA_VERSION, SCHEMA_VERSION);
    }
  }
}

/**
 * Not claimed, or claimed longer ago than the redelivery timeout (the one parameter). A claim time
 * that is not a number (text or a blob written by hand) is no claim: the next claim replaces it.
 */
const NOT_CLAIMED = "(delivered_at IS NULL OR delivered_at < ? OR delivered_at >= '')";

type Due = { readonly id: number; readonly priority: number; readonly available_at: unknown };

/** Oldest due first; rows without a numeric due time (handed out as undecodable) before all. */
/** Claim order: highest priority, then earliest due, then first sent. */
function byDue(a: Due, b: Due): number {
  return b.priority - a.priority || dueOf(a) - dueOf(b) || a.id - b.id;
}

function dueOf(row: Due): number {
  return typeof row.available_at === "number" ? row.available_at : Number.NEGATIVE_INFINITY;
}
