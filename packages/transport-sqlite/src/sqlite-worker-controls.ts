import type { SqliteConnection } from "./sqlite-connection.js";
import type { SqliteDriverConnection as SqliteDatabase } from "./sqlite-driver.js";
import { inTransaction, prepared } from "./sqlite-handle.js";

/**
 * The tables that coordinate workers without holding messages: the paused transports
 * (`messenger:pause`), the shared rate limiters' token buckets and the shared concurrency limits'
 * leases. Outside the messages table's schema version: created on first use (and by setup()),
 * each `CREATE TABLE IF NOT EXISTS`. Times are epoch milliseconds of the caller's clock: the
 * processes sharing a file share a machine.
 */
export function controlTablesSql(tableName: string): {
  paused: string;
  rates: string;
  leases: string;
  ddl: string[];
} {
  const paused = `"${tableName}_paused"`;
  const rates = `"${tableName}_rates"`;
  const leases = `"${tableName}_leases"`;
  return {
    paused,
    rates,
    leases,
    ddl: [
      `CREATE TABLE IF NOT EXISTS ${paused} (
        transport TEXT PRIMARY KEY NOT NULL,
        paused_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
      `CREATE TABLE IF NOT EXISTS ${rates} (
        key TEXT PRIMARY KEY NOT NULL,
        tokens REAL NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
      `CREATE TABLE IF NOT EXISTS ${leases} (
        key TEXT NOT NULL,
        lease_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (key, lease_id)
      ) WITHOUT ROWID`,
    ],
  };
}

/**
 * The statements of the control tables. SQLite has one writer at a time, so each write statement
 * (and the lease's delete-then-insert transaction) sees what every earlier one left: the count
 * and the insert of a lease cannot interleave with another process's.
 */
export class SqliteWorkerControls {
  readonly #connection: SqliteConnection;
  readonly #tables: ReturnType<typeof controlTablesSql>;
  #created = false;

  constructor(connection: SqliteConnection, tableName: string) {
    this.#connection = connection;
    this.#tables = controlTablesSql(tableName);
  }

  setup(): Promise<void> {
    return this.#write("set up its control tables", () => {});
  }

  pause(transportName: string, now: number): Promise<void> {
    return this.#write("pause the transport", (db) => {
      prepared(
        db,
        `INSERT INTO ${this.#tables.paused} (transport, paused_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
      ).run(transportName, now);
    });
  }

  resume(transportName: string): Promise<void> {
    return this.#write("resume the transport", (db) => {
      prepared(db, `DELETE FROM ${this.#tables.paused} WHERE transport = ?`).run(transportName);
    });
  }

  /** Creates nothing (a status command reads it): without the table, nothing is paused. */
  pausedTransports(): Promise<string[]> {
    return this.#connection.runControl("read the paused transports", (db) => {
      const present = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
        .get(this.#tables.paused.slice(1, -1));
      if (present === undefined) return [];
      return (
        prepared(db, `SELECT transport FROM ${this.#tables.paused}`).all() as { transport: string }[]
      ).map((row) => row.transport);
    });
  }

  /** The same token bucket as core's TokenBucketRateLimiter, in one upsert. */
  reserveToken(key: string, limit: number, intervalMs: number, now: number): Promise<number> {
    return this.#write("take a rate-limit permit", (db) => {
      const row = prepared(
        db,
        `INSERT INTO ${this.#tables.rates} (key, tokens, updated_at) VALUES (?, ? - 1, ?)
         ON CONFLICT (key) DO UPDATE SET
           tokens = min(excluded.tokens + 1, tokens + max(0, excluded.updated_at - updated_at) * (excluded.tokens + 1) / ?) - 1,
           updated_at = max(excluded.updated_at, updated_at)
         RETURNING tokens`,
      ).get(key, limit, now, intervalMs) as { tokens: number };
      return row.tokens >= 0 ? 0 : Math.ceil((-row.tokens * intervalMs) / limit);
    });
  }

  acquireLease(key: string, limit: number, leaseId: string, ttlMs: number, now: number): Promise<boolean> {
    return this.#write("take a concurrency lease", (db) =>
      inTransaction(
        db,
        () => {
          prepared(db, `DELETE FROM ${this.#tables.leases} WHERE key = ? AND expires_at <= ?`).run(key, now);
          const { changes } = prepared(
            db,
            `INSERT INTO ${this.#tables.leases} (key, lease_id, expires_at)
             SELECT ?, ?, ? WHERE (SELECT count(*) FROM ${this.#tables.leases} WHERE key = ?) < ?`,
          ).run(key, leaseId, now + ttlMs, key, limit);
          return changes === 1;
        },
        true,
      ),
    );
  }

  renewLeases(key: string, leaseIds: readonly string[], ttlMs: number, now: number): Promise<void> {
    return this.#write("renew concurrency leases", (db) => {
      const renew = prepared(
        db,
        `UPDATE ${this.#tables.leases} SET expires_at = ? WHERE key = ? AND lease_id = ?`,
      );
      inTransaction(db, () => {
        for (const id of leaseIds) renew.run(now + ttlMs, key, id);
      });
    });
  }

  releaseLease(key: string, leaseId: string): Promise<void> {
    return this.#write("release a concurrency lease", (db) => {
      prepared(db, `DELETE FROM ${this.#tables.leases} WHERE key = ? AND lease_id = ?`).run(key, leaseId);
    });
  }

  #write<T>(operation: string, fn: (db: SqliteDatabase) => T): Promise<T> {
    return this.#connection.runControl(operation, (db) => {
      if (!this.#created) {
        for (const sql of this.#tables.ddl) db.exec(sql);
        this.#created = true;
      }
      return fn(db);
    });
  }
}
