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

/** What the store needs of a `pg.Pool` (or a `pg.Client`): parameterised queries. */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface PostgresMessageHistoryOptions {
  /** The application's pool (the PostgreSQL transport's `pool`, or its own). */
  readonly pool: PostgresQueryable;
  /** @defaultValue "public" */
  readonly schema?: string;
  /** @defaultValue "messenger_history" */
  readonly table?: string;
}

/** The message history in a PostgreSQL table. */
export class PostgresMessageHistory implements MessageHistoryStore {
  readonly #pool: PostgresQueryable;
  readonly #table: string;
  readonly #schema: string;
  readonly #plain: string;

  constructor(options: PostgresMessageHistoryOptions) {
    this.#pool = options.pool;
    this.#schema = checkHistoryTableName(options.schema ?? "public", "schema");
    this.#plain = checkHistoryTableName(options.table ?? "messenger_history", "table");
    this.#table = `"${this.#schema}"."${this.#plain}"`;
  }

  async setup(): Promise<void> {
    await this.#pool.query(`CREATE SCHEMA IF NOT EXISTS "${this.#schema}"`);
    await this.#pool.query(`CREATE TABLE IF NOT EXISTS ${this.#table} (
      id bigserial PRIMARY KEY,
      message_id text,
      type text NOT NULL,
      transport text NOT NULL,
      bus text,
      dispatched_at bigint,
      received_at bigint NOT NULL,
      handled_at bigint NOT NULL,
      wait_ms bigint,
      handling_ms bigint NOT NULL,
      result text NOT NULL,
      error_class text,
      error_message text
    )`);
    // The time range and the per-type search; everything else filters along the id order.
    await this.#pool.query(
      `CREATE INDEX IF NOT EXISTS "${this.#plain}_handled_at_idx" ON ${this.#table} (handled_at)`,
    );
    await this.#pool.query(
      `CREATE INDEX IF NOT EXISTS "${this.#plain}_type_idx" ON ${this.#table} (type, id)`,
    );
  }

  async add(entries: readonly MessageHistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const column = <K extends keyof MessageHistoryEntry>(key: K) => entries.map((entry) => entry[key]);
    await this.#pool.query(
      `INSERT INTO ${this.#table} (message_id, type, transport, bus, dispatched_at, received_at, handled_at,
         wait_ms, handling_ms, result, error_class, error_message)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[],
         $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[])`,
      [
        column("messageId"),
        column("type"),
        column("transport"),
        column("bus"),
        column("dispatchedAt"),
        column("receivedAt"),
        column("handledAt"),
        column("waitMs"),
        column("handlingMs"),
        column("result"),
        column("errorClass"),
        column("errorMessage"),
      ],
    );
  }

  async prune(retention: MessageHistoryRetention, now: number, batch: number): Promise<number> {
    let removed = 0;
    const deleteBatch = async (condition: string, value: number) => {
      for (;;) {
        const { rows } = await this.#pool.query(
          `WITH gone AS (DELETE FROM ${this.#table} WHERE id IN
             (SELECT id FROM ${this.#table} WHERE ${condition} ORDER BY id LIMIT $2) RETURNING 1)
           SELECT count(*)::int AS n FROM gone`,
          [value, batch],
        );
        const n = Number(rows[0]?.n ?? 0);
        removed += n;
        if (n < batch) return;
      }
    };
    if (retention.maxAge !== undefined) await deleteBatch("handled_at < $1", now - retention.maxAge);
    if (retention.maxRows !== undefined) {
      const { rows } = await this.#pool.query(
        `SELECT id FROM ${this.#table} ORDER BY id DESC OFFSET $1 LIMIT 1`,
        [retention.maxRows],
      );
      if (rows.length > 0) await deleteBatch("id <= $1", Number(rows[0].id));
    }
    return removed;
  }

  async list(
    filter: MessageHistoryFilter,
    limit: number,
    before?: number,
  ): Promise<StoredMessageHistoryEntry[]> {
    const where = historyWhere(filter, (n) => `$${n}`, { before });
    const { rows } = await this.#pool.query(
      `SELECT ${HISTORY_COLUMNS} FROM ${this.#table} ${where.sql} ORDER BY id DESC LIMIT $${where.values.length + 1}`,
      [...where.values, limit],
    );
    return rows.map(toEntry);
  }

  async statistics(filter: MessageHistoryFilter): Promise<MessageTypeStatistics[]> {
    const where = historyWhere(filter, (n) => `$${n}`, { withResult: false });
    const { rows } = await this.#pool.query(
      `SELECT type, count(*)::bigint AS count, count(*) FILTER (WHERE result <> 'handled')::bigint AS failures,
         avg(handling_ms)::float8 AS average, percentile_disc(0.95) WITHIN GROUP (ORDER BY handling_ms) AS p95
       FROM ${this.#table} ${where.sql} GROUP BY type ORDER BY count(*) DESC, type`,
      where.values,
    );
    return rows.map((row) => ({
      type: String(row.type),
      count: Number(row.count),
      failures: Number(row.failures),
      averageHandlingMs: Number(row.average),
      p95HandlingMs: Number(row.p95),
    }));
  }
}

/** A row as an entry: bigint columns arrive as text from pg. */
export function toEntry(row: Record<string, unknown>): StoredMessageHistoryEntry {
  const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: Number(row.id),
    messageId: (row.messageId as string | null) ?? null,
    type: String(row.type),
    transport: String(row.transport),
    bus: (row.bus as string | null) ?? null,
    dispatchedAt: numberOrNull(row.dispatchedAt),
    receivedAt: Number(row.receivedAt),
    handledAt: Number(row.handledAt),
    waitMs: numberOrNull(row.waitMs),
    handlingMs: Number(row.handlingMs),
    result: row.result as StoredMessageHistoryEntry["result"],
    errorClass: (row.errorClass as string | null) ?? null,
    errorMessage: (row.errorMessage as string | null) ?? null,
  };
}
