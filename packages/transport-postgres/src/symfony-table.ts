import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import type { statements } from "./postgres-statements.js";
import type { SchemaNames } from "./schema.js";

/**
 * Symfony's Doctrine transport table (5.4 to 7.x on PostgreSQL), for the transport's `symfony`
 * option: PHP and Node workers then share one `messenger_messages` table, each side's setup
 * accepting what the other created.
 *
 * Symfony's columns differ from the table of our own layout: `headers` is text (JSON), times are
 * `timestamp(0) without time zone` holding the PHP process's wall clock, which must be UTC
 * (`date.timezone = UTC`, Debian's default), and there is no `delivery_count` (so no delivery
 * limit in this mode). Symfony compares `available_at` with its clock truncated to the second, so
 * every time written here is truncated to the second too: a message is never later for PHP than
 * it is due, and a retry delay below one second may run up to a second early, as Symfony's own do.
 */
const NOW = `(now() AT TIME ZONE 'UTC')`;
const NOW_S = `date_trunc('second', ${NOW})`;

const quote = (identifier: string) => `"${identifier}"`;

/** The DBAL index name Symfony's setup gives an index: `IDX_` and the CRC32s of table and column. */
function dbalIndexName(table: string, column: string): string {
  return `idx_${crc32(table).toString(16)}${crc32(column).toString(16)}`.slice(0, 63);
}

/** The channel of Symfony's trigger: the table name (without the schema). */
export function symfonyChannel(names: SchemaNames): string {
  return names.table;
}

/**
 * The DDL, byte for byte what Symfony's setup creates (so that its schema comparison finds
 * nothing to change), plus the restart and workers tables of our own, which Symfony's setup
 * leaves alone (it only looks at its table).
 */
export function symfonySchemaStatements(names: SchemaNames, ownTables: readonly string[]): string[] {
  const { schema, table, qualifiedTable: t } = names;
  const fn = `${quote(schema)}.${quote(`notify_${table}`)}`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${t} (
      id bigserial PRIMARY KEY,
      body text NOT NULL,
      headers text NOT NULL,
      queue_name varchar(190) NOT NULL,
      created_at timestamp(0) without time zone NOT NULL,
      available_at timestamp(0) without time zone NOT NULL,
      delivered_at timestamp(0) without time zone DEFAULT NULL
    )`,
    ...["queue_name", "available_at", "delivered_at"].map(
      (column) => `CREATE INDEX IF NOT EXISTS ${quote(dbalIndexName(table, column))} ON ${t} (${column})`,
    ),
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS TRIGGER AS $$
    BEGIN
        PERFORM pg_notify('${table}', NEW.queue_name::text);
        RETURN NEW;
    END;
$$ LANGUAGE plpgsql`,
    `DROP TRIGGER IF EXISTS notify_trigger ON ${t}`,
    `CREATE TRIGGER notify_trigger AFTER INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE PROCEDURE ${fn}()`,
    `CREATE TABLE IF NOT EXISTS ${names.qualifiedRestartTable} (
      id smallint PRIMARY KEY CHECK (id = 1),
      requested_at bigint NOT NULL
    )`,
    ...ownTables,
  ];
}

/**
 * The statements of `statements()` for Symfony's table: the same names and parameters, UTC wall
 * clock times truncated to the second, headers as text, and every delivery reported as the first
 * (the table counts none).
 */
export function symfonyStatements(
  names: SchemaNames,
  own: ReturnType<typeof statements>,
): ReturnType<typeof statements> {
  const t = names.qualifiedTable;
  const named = (text: string) => ({
    name: `mt_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`,
    text,
  });
  const claimable = `available_at <= ${NOW} AND (delivered_at IS NULL OR delivered_at < ${NOW} - make_interval(secs => $2::float8))`;
  return {
    ...own,
    insert: named(
      `INSERT INTO ${t} (body, headers, queue_name, created_at, available_at)
       VALUES ($1, $2, $3, ${NOW_S}, date_trunc('second', ${NOW} + make_interval(secs => $4::float8 / 1000))) RETURNING id`,
    ),
    insertMany: named(
      `INSERT INTO ${t} (body, headers, queue_name, created_at, available_at)
       SELECT u.body, u.headers, $3, ${NOW_S}, date_trunc('second', ${NOW} + make_interval(secs => u.delay / 1000))
       FROM unnest($1::text[], $2::text[], $4::float8[]) WITH ORDINALITY AS u(body, headers, delay, n)
       ORDER BY u.n RETURNING id`,
    ),
    claim: named(
      `WITH picked AS MATERIALIZED (
         SELECT id, available_at FROM ${t}
         WHERE queue_name = ANY($1::text[]) AND ${claimable}
         ORDER BY available_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE ${t} AS m SET delivered_at = ${NOW_S} FROM picked WHERE m.id = picked.id
         RETURNING m.id, m.body, m.headers, m.available_at
       )
       SELECT id, body, headers, 1 AS delivery_count FROM claimed ORDER BY available_at, id`,
    ),
    release: named(
      `UPDATE ${t} SET delivered_at = NULL WHERE id = ANY($1::bigint[]) AND delivered_at IS NOT NULL`,
    ),
    keepalive: named(
      `UPDATE ${t} AS m SET delivered_at = ${NOW_S} + make_interval(secs => k.extra / 1000)
       FROM unnest($1::bigint[], $2::float8[]) AS k(id, extra)
       WHERE m.id = k.id AND m.delivered_at IS NOT NULL`,
    ),
    count: named(`SELECT count(*) AS count FROM ${t} WHERE queue_name = $1 AND ${claimable}`),
    // Symfony's table has no priority column, so no rows kept as deduplication keys to skip.
    countStored: named(`SELECT count(*) AS count FROM ${t} WHERE queue_name = $1`),
    list: named(
      `SELECT id, body, headers FROM ${t} WHERE queue_name = $1 AND id > $3::bigint ORDER BY id LIMIT $2`,
    ),
    find: named(`SELECT id, body, headers FROM ${t} WHERE queue_name = $1 AND id = $2::bigint`),
    due: named(
      `SELECT (EXTRACT(EPOCH FROM (min(d.due) - (clock_timestamp() AT TIME ZONE 'UTC'))) * 1000)::float8 AS wait_ms FROM (
         SELECT min(available_at) AS due FROM ${t} WHERE queue_name = ANY($1::text[]) AND delivered_at IS NULL
         UNION ALL
         SELECT min(delivered_at) + make_interval(secs => $2::float8) FROM ${t}
         WHERE queue_name = ANY($1::text[]) AND delivered_at IS NOT NULL
       ) AS d`,
    ),
  };
}

/** Symfony's headers column is text: parsed here, as jsonb would be by the driver. */
export function parseSymfonyHeaders<R extends { headers: unknown }>(row: R): R {
  if (typeof row.headers !== "string") return row;
  let headers: unknown;
  try {
    headers = JSON.parse(row.headers);
  } catch {
    headers = undefined;
  }
  // Not an object of strings: no usable headers; the message then fails to decode and goes to the
  // failure transport with its body, like any undecodable row.
  const usable =
    typeof headers === "object" &&
    headers !== null &&
    !Array.isArray(headers) &&
    Object.values(headers).every((value) => typeof value === "string");
  return { ...row, headers: usable ? headers : {} };
}
