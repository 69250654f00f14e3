import type { ThroughputBucket } from "@messenger-ts/core";
import type { SqliteDriverConnection } from "./sqlite-driver.js";
import { inTransaction, prepared } from "./sqlite-handle.js";

/**
 * `<table>_throughput`: per transport and minute, the messages workers handled and failed (the
 * dashboard's chart). Outside the schema version, like the workers table, and created by the
 * first write: an installation set up before it existed needs no migration.
 */
function createTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS "${table}_throughput" (
    transport TEXT NOT NULL,
    minute INTEGER NOT NULL,
    handled INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    PRIMARY KEY (transport, minute)
  ) WITHOUT ROWID`;
}

/** Adds the counts to their rows and deletes rows older than `before`: all or nothing. */
export function recordThroughput(
  db: SqliteDriverConnection,
  table: string,
  buckets: readonly ThroughputBucket[],
  before: number,
): void {
  db.exec(createTableSql(table));
  const upsert = prepared(
    db,
    `INSERT INTO "${table}_throughput" (transport, minute, handled, failed) VALUES (?, ?, ?, ?)
     ON CONFLICT (transport, minute) DO UPDATE
       SET handled = handled + excluded.handled, failed = failed + excluded.failed`,
  );
  const prune = prepared(db, `DELETE FROM "${table}_throughput" WHERE minute < ?`);
  inTransaction(
    db,
    () => {
      for (const bucket of buckets)
        upsert.run(bucket.transport, bucket.minute, bucket.handled, bucket.failed);
      prune.run(before);
    },
    true,
  );
}

/** The rows of these transports from `since` on; none when the table does not exist yet. */
export function readThroughput(
  db: SqliteDriverConnection,
  table: string,
  transports: readonly string[],
  since: number,
): ThroughputBucket[] {
  const present = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(`${table}_throughput`);
  if (present === undefined || transports.length === 0) return [];
  const rows = prepared(
    db,
    `SELECT transport, minute, handled, failed FROM "${table}_throughput"
     WHERE minute >= ? AND transport IN (SELECT value FROM json_each(?)) ORDER BY transport, minute`,
  ).all(since, JSON.stringify(transports)) as {
    transport: string;
    minute: number;
    handled: number;
    failed: number;
  }[];
  return rows.map((row) => ({
    transport: row.transport,
    minute: Number(row.minute),
    handled: Number(row.handled),
    failed: Number(row.failed),
  }));
}
