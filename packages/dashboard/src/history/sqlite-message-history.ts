import { checkHistoryTableName } from "./history-table-name.js";
import { HISTORY_COLUMNS, historyWhere } from "./history-where.js";
import type {
  MessageHistoryEntry,
  MessageHistoryFilter,
  MessageHistoryRetention,
  MessageHistoryStore,
  MessageTypeStatistics,
  StoredMessageHistoryEntry,
} from "./message-history-store.js";
import { toEntry } from "./postgres-message-history.js";

/** What the store needs of a SQLite handle: better-sqlite3's `Database` and `node:sqlite`'s `DatabaseSync` both have it. */
export interface SqliteHandle {
  exec(sql: string): unknown;
  prepare(sql: string): {
    run(...values: any[]): unknown;
    all(...values: any[]): unknown[];
  };
  readonly inTransaction?: boolean;
}

export interface SqliteMessageHistoryOptions {
  /**
   * An open handle on the database file. Its own one is best (with a `busy_timeout`): the
   * recorder writes between the worker's transactions, never inside one of them.
   */
  readonly database: SqliteHandle;
  /** @defaultValue "messenger_history" */
  readonly table?: string;
}

/** The message history in a SQLite table. */
export class SqliteMessageHistory implements MessageHistoryStore {
  readonly #db: SqliteHandle;
  readonly #table: string;
  readonly #plain: string;

  constructor(options: SqliteMessageHistoryOptions) {
    this.#db = options.database;
    this.#plain = checkHistoryTableName(options.table ?? "messenger_history", "table");
    this.#table = `"${this.#plain}"`;
  }

  async setup(): Promise<void> {
    this.#db.exec(`CREATE TABLE IF NOT EXISTS ${this.#table} (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id TEXT,
      type TEXT NOT NULL,
      transport TEXT NOT NULL,
      bus TEXT,
      dispatched_at INTEGER,
      received_at INTEGER NOT NULL,
      handled_at INTEGER NOT NULL,
      wait_ms INTEGER,
      handling_ms INTEGER NOT NULL,
      result TEXT NOT NULL,
      error_class TEXT,
      error_message TEXT
    );
    CREATE INDEX IF NOT EXISTS "${this.#plain}_handled_at_idx" ON ${this.#table} (handled_at);
    CREATE INDEX IF NOT EXISTS "${this.#plain}_type_idx" ON ${this.#table} (type, id);`);
  }

  async add(entries: readonly MessageHistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const insert = this.#db.prepare(
      `INSERT INTO ${this.#table} (message_id, type, transport, bus, dispatched_at, received_at, handled_at,
         wait_ms, handling_ms, result, error_class, error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // One transaction for the batch: one fsync, not one per entry.
    const own = this.#db.inTransaction !== true;
    if (own) this.#db.exec("BEGIN IMMEDIATE");
    try {
      for (const e of entries) {
        insert.run(
          e.messageId,
          e.type,
          e.transport,
          e.bus,
          e.dispatchedAt,
          e.receivedAt,
          e.handledAt,
          e.waitMs,
          e.handlingMs,
          e.result,
          e.errorClass,
          e.errorMessage,
        );
      }
      if (own) this.#db.exec("COMMIT");
    } catch (error) {
      if (own && this.#db.inTransaction !== false) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  async prune(retention: MessageHistoryRetention, now: number, batch: number): Promise<number> {
    let removed = 0;
    const deleteBatch = (condition: string, value: number) => {
      const statement = this.#db.prepare(
        `DELETE FROM ${this.#table} WHERE id IN (SELECT id FROM ${this.#table} WHERE ${condition} ORDER BY id LIMIT ?) RETURNING 1`,
      );
      for (;;) {
        const n = statement.all(value, batch).length;
        removed += n;
        if (n < batch) return;
      }
    };
    if (retention.maxAge !== undefined) deleteBatch("handled_at < ?", now - retention.maxAge);
    if (retention.maxRows !== undefined) {
      const rows = this.#db
        .prepare(`SELECT id FROM ${this.#table} ORDER BY id DESC LIMIT 1 OFFSET ?`)
        .all(retention.maxRows) as { id: number }[];
      if (rows.length > 0) deleteBatch("id <= ?", Number(rows[0]!.id));
    }
    return removed;
  }

  async list(
    filter: MessageHistoryFilter,
    limit: number,
    before?: number,
  ): Promise<StoredMessageHistoryEntry[]> {
    const where = historyWhere(filter, () => "?", { before });
    const rows = this.#db
      .prepare(`SELECT ${HISTORY_COLUMNS} FROM ${this.#table} ${where.sql} ORDER BY id DESC LIMIT ?`)
      .all(...where.values, limit) as Record<string, unknown>[];
    return rows.map(toEntry);
  }

  async statistics(filter: MessageHistoryFilter): Promise<MessageTypeStatistics[]> {
    const where = historyWhere(filter, () => "?", { withResult: false });
    // The nearest-rank 95th percentile, as PostgreSQL's percentile_disc(0.95): rank ceil(0.95 n).
    const rows = this.#db
      .prepare(
        `WITH f AS (SELECT type, result, handling_ms FROM ${this.#table} ${where.sql}),
         ranked AS (SELECT type, handling_ms,
           ROW_NUMBER() OVER (PARTITION BY type ORDER BY handling_ms) AS rn,
           COUNT(*) OVER (PARTITION BY type) AS n FROM f),
         totals AS (SELECT type, count(*) AS count, sum(result <> 'handled') AS failures,
           avg(handling_ms) AS average FROM f GROUP BY type)
         SELECT t.type, t.count, t.failures, t.average,
           (SELECT r.handling_ms FROM ranked r WHERE r.type = t.type AND r.rn = (r.n * 95 + 99) / 100) AS p95
         FROM totals t ORDER BY t.count DESC, t.type`,
      )
      .all(...where.values) as Record<string, unknown>[];
    return rows.map((row) => ({
      type: String(row.type),
      count: Number(row.count),
      failures: Number(row.failures),
      averageHandlingMs: Number(row.average),
      p95HandlingMs: Number(row.p95),
    }));
  }
}
