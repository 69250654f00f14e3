import { compareThroughputBuckets, type ThroughputBucket } from "@messenger-ts/core";
import type pg from "pg";
import type { SchemaNames } from "./schema.js";

/** SQLSTATE `42P01`: the relation does not exist. */
const UNDEFINED_TABLE = "42P01";

/**
 * `<table>_throughput`: per transport and minute, the messages workers handled and failed (the
 * dashboard's chart). Outside the schema version, like the workers table, and created by the
 * first write that finds it missing: an installation set up before it existed needs no setup run.
 */
export function throughputTableStatement(names: SchemaNames): string {
  return `CREATE TABLE IF NOT EXISTS ${qualifiedThroughputTable(names)} (
      transport text NOT NULL,
      minute bigint NOT NULL,
      handled bigint NOT NULL,
      failed bigint NOT NULL,
      PRIMARY KEY (transport, minute)
    )`;
}

function qualifiedThroughputTable(names: SchemaNames): string {
  return `"${names.schema}"."${names.table}_throughput"`;
}

/**
 * Adds the counts to their rows and deletes rows older than `before` (counts that old are not
 * added either), in one statement. The rows
 * are upserted in key order, so two workers writing the same minutes lock them in the same order
 * and cannot deadlock.
 */
export async function recordThroughput(
  pool: pg.Pool,
  names: SchemaNames,
  buckets: readonly ThroughputBucket[],
  before: number,
): Promise<void> {
  const table = qualifiedThroughputTable(names);
  const sorted = [...buckets].sort(compareThroughputBuckets);
  const query = {
    text: `WITH old AS (DELETE FROM ${table} WHERE minute < $5::bigint)
      INSERT INTO ${table} AS t (transport, minute, handled, failed)
      SELECT u.transport, u.minute, u.handled, u.failed
      FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) WITH ORDINALITY AS u(transport, minute, handled, failed, n)
      WHERE u.minute >= $5::bigint
      ORDER BY u.n
      ON CONFLICT (transport, minute) DO UPDATE
        SET handled = t.handled + EXCLUDED.handled, failed = t.failed + EXCLUDED.failed`,
    values: [
      sorted.map((bucket) => bucket.transport),
      sorted.map((bucket) => bucket.minute),
      sorted.map((bucket) => bucket.handled),
      sorted.map((bucket) => bucket.failed),
      before,
    ],
  };
  try {
    await pool.query(query);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== UNDEFINED_TABLE) throw error;
    await pool.query(throughputTableStatement(names));
    await pool.query(query);
  }
}

/** The rows of these transports from `since` on; none when the table does not exist yet. */
export async function readThroughput(
  pool: pg.Pool,
  names: SchemaNames,
  transports: readonly string[],
  since: number,
): Promise<ThroughputBucket[]> {
  try {
    const { rows } = await pool.query<{ transport: string; minute: string; handled: string; failed: string }>(
      `SELECT transport, minute, handled, failed FROM ${qualifiedThroughputTable(names)}
       WHERE transport = ANY($1::text[]) AND minute >= $2::bigint ORDER BY transport, minute`,
      [transports, since],
    );
    return rows.map((row) => ({
      transport: row.transport,
      minute: Number(row.minute),
      handled: Number(row.handled),
      failed: Number(row.failed),
    }));
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === UNDEFINED_TABLE) return [];
    throw error;
  }
}
