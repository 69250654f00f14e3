import { createHash } from "node:crypto";

/**
 * The version of the tables `setup()` creates, kept in the messages table's comment. A later
 * release reads it and migrates from it; this one refuses a table it did not create (no version)
 * or one created by a newer release (a higher version).
 */
export const SCHEMA_VERSION = 3;

const VERSION_COMMENT_PREFIX = "messenger-ts transport table; schema version ";

/** The version in a table comment, or null when the comment is not one setup() wrote. */
export function parseSchemaVersion(comment: string | null): number | null {
  if (comment === null || !comment.startsWith(VERSION_COMMENT_PREFIX)) return null;
  const version = Number(comment.slice(VERSION_COMMENT_PREFIX.length));
  return Number.isSafeInteger(version) && version > 0 ? version : null;
}

/**
 * Key of the transaction-level advisory lock every setup takes: one key for all messenger tables,
 * so concurrent setups of different tables in a new schema cannot race on CREATE SCHEMA either.
 */
export const SETUP_LOCK_KEY = 0x6d74_7365; // "mtse"

/** Every SQL name the transport uses, quoted and schema-qualified, derived from validated identifiers. */
export interface SchemaNames {
  readonly schema: string;
  readonly table: string;
  /** `"schema"."table"` */
  readonly qualifiedTable: string;
  /** `"schema"."table_restart"`: the one-row table of `messenger:stop-workers`. */
  readonly qualifiedRestartTable: string;
  /** `"schema"."table_workers"`: the live workers' heartbeats (`messenger:workers`). */
  readonly qualifiedWorkersTable: string;
  /** `"schema"."table_claim"(queues, redeliver_seconds, batch)`: the claim statement, as a function. */
  readonly claimFunction: string;
  /** `"schema"."table_due"(queues, redeliver_seconds)`: milliseconds until a row becomes claimable. */
  readonly dueFunction: string;
  /** LISTEN / pg_notify channel: `schema.table`, or a hash of it when that exceeds 63 bytes. */
  readonly channel: string;
}

const quote = (identifier: string) => `"${identifier}"`;

/** Callers pass identifiers already checked by `parseSqlIdentifierOption`; nothing else may reach this. */
export function schemaNames(schema: string, table: string): SchemaNames {
  const plain = `${schema}.${table}`;
  return {
    schema,
    table,
    qualifiedTable: `${quote(schema)}.${quote(table)}`,
    qualifiedRestartTable: `${quote(schema)}.${quote(`${table}_restart`)}`,
    qualifiedWorkersTable: `${quote(schema)}.${quote(`${table}_workers`)}`,
    claimFunction: `${quote(schema)}.${quote(`${table}_claim`)}`,
    dueFunction: `${quote(schema)}.${quote(`${table}_due`)}`,
    channel:
      plain.length <= 63 ? plain : `messenger_${createHash("sha1").update(plain).digest("hex").slice(0, 40)}`,
  };
}

/**
 * Table pages are left half empty so that the updates of `delivered_at` (claim, keepalive,
 * release) are HOT: the new row version stays on its page and no index gets a new entry. That
 * is why no index holds `delivered_at`. A claim of 500 rows cost about a third less than with
 * the full pages and the index on claimed rows of version 1. The table is twice the size of its
 * rows, which a queue table, emptied as it is worked through, can afford.
 */
const FILLFACTOR = 50;

function versionComment(names: SchemaNames, version: number): string {
  return `COMMENT ON TABLE ${names.qualifiedTable} IS '${VERSION_COMMENT_PREFIX}${version}'`;
}

const ORDERED_INDEX_ONLY = "SET enable_bitmapscan = off SET enable_seqscan = off";

/**
 * The earliest unclaimed row's available_at (past or future) or claim expiry, from now, in ms;
 * null when the queues are empty. Claimed rows were due when claimed, so they are among the due
 * rows of the claim index; an idle worker asks this only after finding nothing to claim there, so
 * those are the claims in flight, not the backlog.
 */
function dueFunction(names: SchemaNames): string {
  const t = names.qualifiedTable;
  return `CREATE OR REPLACE FUNCTION ${names.dueFunction}(queues text[], redeliver_seconds float8)
      RETURNS float8 LANGUAGE sql ${ORDERED_INDEX_ONLY} AS $body$
      SELECT (EXTRACT(EPOCH FROM (min(d.due) - clock_timestamp())) * 1000)::float8
      FROM unnest($1) AS q(name)
      CROSS JOIN LATERAL (
        SELECT (SELECT m.available_at FROM ${t} AS m WHERE m.queue_name = q.name AND m.delivered_at IS NULL
                ORDER BY m.available_at, m.id LIMIT 1) AS due
        UNION ALL
        SELECT (SELECT min(m.delivered_at) FROM ${t} AS m WHERE m.queue_name = q.name
                AND m.available_at <= now() AND m.delivered_at IS NOT NULL) + make_interval(secs => $2)
      ) AS d
    $body$`;
}

/**
 * Per queue: due rows oldest first, stopping after `batch`; SKIP LOCKED lets concurrent claimers
 * take the next rows instead of waiting. A claim older than the timeout is abandoned. Each claim
 * counts a delivery in the same UPDATE (the first delivery is 1), so a worker that dies with the
 * row, however it dies, has counted it; the count is not indexed, so the update stays HOT.
 */
function claimFunction(names: SchemaNames): string {
  const t = names.qualifiedTable;
  return `CREATE OR REPLACE FUNCTION ${names.claimFunction}(queues text[], redeliver_seconds float8, batch integer)
      RETURNS TABLE (id bigint, body text, headers jsonb, delivery_count integer)
      LANGUAGE sql ${ORDERED_INDEX_ONLY} AS $body$
      WITH picked AS MATERIALIZED (
        SELECT c.id, c.available_at FROM unnest($1) AS q(name)
        CROSS JOIN LATERAL (
          SELECT m.id, m.available_at FROM ${t} AS m
          WHERE m.queue_name = q.name AND m.available_at <= now()
            AND (m.delivered_at IS NULL OR m.delivered_at < now() - make_interval(secs => $2))
          ORDER BY m.available_at, m.id LIMIT $3 FOR UPDATE SKIP LOCKED
        ) AS c
        ORDER BY c.available_at, c.id LIMIT $3
      ), claimed AS (
        UPDATE ${t} AS m SET delivered_at = now(), delivery_count = m.delivery_count + 1
        FROM picked WHERE m.id = picked.id
        RETURNING m.id, m.body, m.headers, m.delivery_count, m.available_at
      )
      SELECT claimed.id, claimed.body, claimed.headers, claimed.delivery_count FROM claimed
      ORDER BY claimed.available_at, claimed.id
    $body$`;
}

/**
 * The DDL of the current schema version, run in one transaction under the setup lock, so a crash
 * leaves either nothing or everything (the version comment last).
 *
 * - `headers` is jsonb: the driver parses it once on read, and operators can query it
 *   (`headers->>'type'`); the CHECK keeps foreign producers to an object.
 * - `<table>_claim_idx` (queue_name, available_at, id) serves the claim query in order: it walks
 *   the due rows oldest first and stops after the batch, skipping the few rows in flight.
 * - pages are half empty, so claims and keepalives are HOT updates (see FILLFACTOR).
 * - the trigger is per statement with a transition table, so a bulk insert of 20,000 rows sends
 *   one notification per queue, not 20,000.
 * - the claim and the due-time lookup are functions because they must walk the claim index in
 *   order and stop early. With missing or stale statistics (a new table, a queue that just filled
 *   up) the planner picks a bitmap scan and sorts every due row instead, milliseconds per claim on
 *   a long queue; the functions switch bitmap and sequential scans off for their own statements.
 */
export function schemaStatements(names: SchemaNames): string[] {
  const { schema, table, qualifiedTable, qualifiedRestartTable, channel } = names;
  const fn = `${quote(schema)}.${quote(`${table}_notify`)}`;
  const literalChannel = `'${channel}'`; // built from validated identifiers or hex: no quote can occur
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${qualifiedTable} (
      id bigserial PRIMARY KEY,
      body text NOT NULL,
      headers jsonb NOT NULL CHECK (jsonb_typeof(headers) = 'object'),
      queue_name varchar(190) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      available_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz NULL,
      delivery_count integer NOT NULL DEFAULT 0
    ) WITH (fillfactor = ${FILLFACTOR})`,
    `CREATE INDEX IF NOT EXISTS ${quote(`${table}_claim_idx`)} ON ${qualifiedTable} (queue_name, available_at, id)`,
    `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      PERFORM pg_notify(${literalChannel}, q.queue_name) FROM (SELECT DISTINCT queue_name FROM new_rows) AS q;
      RETURN NULL;
    END
    $body$`,
    `DROP TRIGGER IF EXISTS ${quote(`${table}_notify`)} ON ${qualifiedTable}`,
    `CREATE TRIGGER ${quote(`${table}_notify`)} AFTER INSERT ON ${qualifiedTable}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    claimFunction(names),
    dueFunction(names),
    `CREATE TABLE IF NOT EXISTS ${qualifiedRestartTable} (
      id smallint PRIMARY KEY CHECK (id = 1),
      requested_at bigint NOT NULL
    )`,
    workersTableStatement(names),
    versionComment(names, SCHEMA_VERSION),
  ];
}

/**
 * The heartbeats of live workers, next to the messages table and outside its schema version: a
 * release that adds this table to an existing installation creates it (setup() checks for it)
 * without migrating the messages table, and an older release simply ignores it. The heartbeat is
 * jsonb, so later fields need no migration either; `expires_at` is on the database clock.
 */
export function workersTableStatement(names: SchemaNames): string {
  return `CREATE TABLE IF NOT EXISTS ${names.qualifiedWorkersTable} (
      id text PRIMARY KEY,
      heartbeat jsonb NOT NULL,
      expires_at timestamptz NOT NULL
    )`;
}

/**
 * The DDL that takes a table of an older version to the current one, step by step, run like
 * `schemaStatements` (one transaction, under the setup lock, the version comment last).
 *
 * 1 → 2: claims become HOT updates: the partial index on claimed rows goes (the due-time lookup
 * finds claims through the claim index instead), and pages are filled to half from now on
 * (existing pages keep what they hold).
 *
 * 2 → 3: deliveries are counted (the delivery limit). Adding a column with a constant default
 * rewrites nothing (PostgreSQL 11+), so it is quick on a full table; existing rows start at 0.
 * The claim function returns one column more, which CREATE OR REPLACE cannot change: it is
 * dropped and created again in the same transaction (workers of the previous release still call
 * it by name and read the columns they know).
 */
export function migrationStatements(names: SchemaNames, from: number): string[] {
  const steps: string[] = [];
  if (from < 2) {
    steps.push(
      `DROP INDEX IF EXISTS ${quote(names.schema)}.${quote(`${names.table}_claimed_idx`)}`,
      `ALTER TABLE ${names.qualifiedTable} SET (fillfactor = ${FILLFACTOR})`,
      dueFunction(names),
    );
  }
  if (from < 3) {
    steps.push(
      `ALTER TABLE ${names.qualifiedTable} ADD COLUMN IF NOT EXISTS delivery_count integer NOT NULL DEFAULT 0`,
      `DROP FUNCTION IF EXISTS ${names.claimFunction}(text[], float8, integer)`,
      claimFunction(names),
    );
  }
  steps.push(versionComment(names, SCHEMA_VERSION));
  return steps;
}
