import { createHash } from "node:crypto";

/**
 * The version of the tables `setup()` creates, kept in the messages table's comment. A later
 * release reads it and migrates from it; this one refuses a table it did not create (no version)
 * or one created by a newer release (a higher version).
 */
export const SCHEMA_VERSION = 6;

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
  /** `"schema"."table_send_deduplicated"(...)`: the send of a message with a deduplication key. */
  readonly sendDeduplicatedFunction: string;
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
    sendDeduplicatedFunction: `${quote(schema)}.${quote(`${table}_send_deduplicated`)}`,
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
 * A row that only keeps a `throttle` deduplication key after its message was handled: no message,
 * never claimable (available at infinity), at a priority no message has, so every read skips it
 * by `priority >= 0` and the claim index keeps it at the end of its queue.
 */
export const KEPT_KEY_PRIORITY = -1;

/**
 * The earliest unclaimed row's available_at (past or future) or claim expiry, from now, in ms;
 * null when the queues are empty. Claimed rows were due when claimed, so they are among the due
 * rows of the claim index; an idle worker asks this only after finding nothing to claim there, so
 * those are the claims in flight, not the backlog. The claim index leads with the priority: the
 * recursive part steps from one priority in use to the next (one index probe each), and each
 * level is then read in due-time order as before.
 */
function dueFunction(names: SchemaNames): string {
  const t = names.qualifiedTable;
  return `CREATE OR REPLACE FUNCTION ${names.dueFunction}(queues text[], redeliver_seconds float8)
      RETURNS float8 LANGUAGE plpgsql ${ORDERED_INDEX_ONLY} AS $body$
    BEGIN
      RETURN (WITH RECURSIVE levels(name, p) AS (
        SELECT q.name, (SELECT m.priority FROM ${t} AS m WHERE m.queue_name = q.name
                        ORDER BY m.priority DESC LIMIT 1)
        FROM unnest(queues) AS q(name)
        UNION ALL
        SELECT l.name, (SELECT m.priority FROM ${t} AS m WHERE m.queue_name = l.name AND m.priority < l.p
                        ORDER BY m.priority DESC LIMIT 1)
        FROM levels AS l WHERE l.p >= 0
      )
      SELECT (EXTRACT(EPOCH FROM (min(d.due) - clock_timestamp())) * 1000)::float8
      FROM levels AS l
      CROSS JOIN LATERAL (
        SELECT (SELECT m.available_at FROM ${t} AS m WHERE m.queue_name = l.name AND m.priority = l.p
                AND m.delivered_at IS NULL ORDER BY m.available_at, m.id LIMIT 1) AS due
        UNION ALL
        SELECT (SELECT min(m.delivered_at) FROM ${t} AS m WHERE m.queue_name = l.name AND m.priority = l.p
                AND m.available_at <= now() AND m.delivered_at IS NOT NULL) + make_interval(secs => redeliver_seconds)
      ) AS d
      WHERE l.p >= 0);
    END
    $body$`;
}

/**
 * Per queue: due rows highest priority first, then oldest first, stopping after `batch`; SKIP
 * LOCKED lets concurrent claimers take the next rows instead of waiting. A claim older than the
 * timeout is abandoned. Each claim counts a delivery in the same UPDATE (the first delivery is 1),
 * so a worker that dies with the row, however it dies, has counted it; the count is not indexed,
 * so the update stays HOT. The claim writes no deduplication column: a key that only holds while
 * its row waits is given up by the next send with that key, which sees the row claimed.
 *
 * The UPDATE finds the picked rows by their `ctid` alone, one Tid Scan each: the rows are locked
 * by the pick, so their versions cannot move before the UPDATE (a row whose locked version is
 * newer than the statement's snapshot is not updated, and is not claimed this time). Joined by id
 * (with or without the ctid), the plan PL/pgSQL kept merge-joined the picked rows with a primary
 * key scan over every id between the lowest and the highest picked: with ten priorities in use
 * (the id modulo 10), one claim of 500 rows read 5,000 index entries, and took a quarter longer
 * than the same claim by ctid (2.53 and 3.26 against 2.02 and 2.50 ms in two runs of EXPLAIN
 * ANALYZE, medians of 30; docs/performance.md).
 *
 * PL/pgSQL, not SQL: PL/pgSQL keeps its statements' plans for the connection, while an SQL
 * function with SET clauses is never inlined and is planned again on every call. Planning was
 * two thirds of a one-row claim's time in the server (about 0.29 ms against 0.10 ms), and an idle
 * worker woken by a notification waits for exactly that claim. The output columns are PL/pgSQL
 * variables too: every column reference is qualified, and `use_column` settles any that is not.
 */
function claimFunction(names: SchemaNames): string {
  const t = names.qualifiedTable;
  return `CREATE OR REPLACE FUNCTION ${names.claimFunction}(queues text[], redeliver_seconds float8, batch integer,
      report_due boolean DEFAULT false, acks bigint[] DEFAULT NULL)
      RETURNS TABLE (id bigint, body text, headers jsonb, delivery_count integer, wait_ms float8)
      LANGUAGE plpgsql ${ORDERED_INDEX_ONLY} AS $body$
    #variable_conflict use_column
    DECLARE
      taken integer;
    BEGIN
      -- Acknowledgements that travel with the claim (see PerTickBatcher.sendWith): as the ack's own DELETE.
      IF acks IS NOT NULL THEN
        DELETE FROM ${t} AS m WHERE m.id = ANY(acks);
      END IF;
      RETURN QUERY WITH picked AS MATERIALIZED (
        SELECT c.id, c.row_ctid, c.priority, c.available_at FROM unnest(queues) AS q(name)
        CROSS JOIN LATERAL (
          SELECT m.id, m.ctid AS row_ctid, m.priority, m.available_at FROM ${t} AS m
          WHERE m.queue_name = q.name AND m.available_at <= now()
            AND (m.delivered_at IS NULL OR m.delivered_at < now() - make_interval(secs => redeliver_seconds))
          ORDER BY m.priority DESC, m.available_at, m.id LIMIT batch FOR UPDATE SKIP LOCKED
        ) AS c
        ORDER BY c.priority DESC, c.available_at, c.id LIMIT batch
      ), claimed AS (
        UPDATE ${t} AS m SET delivered_at = now(), delivery_count = m.delivery_count + 1
        FROM picked WHERE m.ctid = picked.row_ctid
        RETURNING m.id, m.body, m.headers, m.delivery_count, m.priority, m.available_at
      )
      SELECT claimed.id, claimed.body, claimed.headers, claimed.delivery_count, NULL::float8 FROM claimed
      ORDER BY claimed.priority DESC, claimed.available_at, claimed.id;
      GET DIAGNOSTICS taken = ROW_COUNT;
      -- Nothing to take: the worker is about to wait, and this row (no id) tells it when the next
      -- row of the queues becomes due, which it would otherwise ask in a statement of its own. Not
      -- after a claim that took rows: the worker claims again before it waits, and the lookup is
      -- most of what an empty claim costs.
      IF report_due AND taken = 0 THEN
        RETURN QUERY SELECT NULL::bigint, NULL::text, NULL::jsonb, NULL::integer,
          ${names.dueFunction}(queues, redeliver_seconds);
      END IF;
    END
    $body$`;
}

/**
 * The send of a message with a deduplication key, atomic through the partial unique index on
 * (queue_name, deduplication_key): of concurrent sends, one INSERT stores the row, the others
 * meet it in ON CONFLICT (waiting for its transaction) and either replace the waiting row
 * (`replace`, `debounce`) or store nothing. A key past its deadline is given up first (a kept key
 * row goes, a waiting message stays without the key), and so is the key of a row a worker took
 * that only deduplicated while it waited (the claim itself writes no key: it stays HOT). Returns the row holding the key and what
 * happened: `stored`, `replaced` or `dropped`. A replaced row may be due earlier than before:
 * the insert trigger does not see an update, so the function wakes idle workers itself.
 */
function sendDeduplicatedFunction(names: SchemaNames, literalChannel: string): string {
  const t = names.qualifiedTable;
  return `CREATE OR REPLACE FUNCTION ${names.sendDeduplicatedFunction}(p_body text, p_headers jsonb,
      p_queue text, p_delay_ms float8, p_priority smallint, p_key text, p_ttl_ms float8,
      p_in_queue boolean, p_replace boolean, p_extend boolean)
      RETURNS TABLE (message_id bigint, outcome text) LANGUAGE plpgsql AS $body$
    DECLARE
      v_id bigint;
      v_outcome text;
    BEGIN
      DELETE FROM ${t} AS m WHERE m.queue_name = p_queue AND m.deduplication_key = p_key
        AND m.deduplicate_until <= now() AND m.priority = ${KEPT_KEY_PRIORITY};
      LOOP
        UPDATE ${t} AS m SET deduplication_key = NULL WHERE m.queue_name = p_queue
          AND m.deduplication_key = p_key
          AND (m.deduplicate_until <= now() OR (m.deduplicate_in_queue AND m.delivered_at IS NOT NULL));
        INSERT INTO ${t} AS m (body, headers, queue_name, created_at, available_at, priority,
          deduplication_key, deduplicate_until, deduplicate_in_queue)
        VALUES (p_body, p_headers, p_queue, now(), now() + make_interval(secs => p_delay_ms / 1000),
          p_priority, p_key, now() + make_interval(secs => p_ttl_ms / 1000), p_in_queue)
        ON CONFLICT (queue_name, deduplication_key) WHERE deduplication_key IS NOT NULL
        DO UPDATE SET body = EXCLUDED.body, headers = EXCLUDED.headers, available_at = EXCLUDED.available_at,
          priority = EXCLUDED.priority,
          deduplicate_until = CASE WHEN p_extend THEN EXCLUDED.deduplicate_until ELSE m.deduplicate_until END
        WHERE p_replace AND m.priority >= 0 AND m.delivered_at IS NULL
        RETURNING m.id, CASE WHEN m.xmax = 0 THEN 'stored' ELSE 'replaced' END INTO v_id, v_outcome;
        IF v_id IS NULL THEN
          SELECT m.id, CASE WHEN m.deduplicate_in_queue AND m.delivered_at IS NOT NULL THEN NULL ELSE 'dropped' END
            INTO v_id, v_outcome FROM ${t} AS m
            WHERE m.queue_name = p_queue AND m.deduplication_key = p_key;
        END IF;
        -- Nothing held it (acknowledged meanwhile), or a worker took the holder meanwhile: again.
        EXIT WHEN v_outcome IS NOT NULL;
        v_id := NULL;
      END LOOP;
      IF v_outcome = 'replaced' THEN PERFORM pg_notify(${literalChannel}, p_queue); END IF;
      RETURN QUERY SELECT v_id, v_outcome;
    END
    $body$`;
}

/**
 * The DDL of the current schema version, run in one transaction under the setup lock, so a crash
 * leaves either nothing or everything (the version comment last).
 *
 * - `headers` is jsonb: the driver parses it once on read, and operators can query it
 *   (`headers->>'type'`); the CHECK keeps foreign producers to an object.
 * - `<table>_claim_idx` (queue_name, priority DESC, available_at, id) serves the claim query in
 *   order: it walks the due rows highest priority first, oldest first within a priority, and stops
 *   after the batch, skipping the few rows in flight (and, per priority, the delayed rows).
 * - `<table>_deduplication_idx`, unique on (queue_name, deduplication_key) where a key is set,
 *   makes deduplication atomic (see the send function).
 * - pages are half empty, so claims and keepalives are HOT updates (see FILLFACTOR).
 * - the trigger is per statement with a transition table, so a bulk insert of 20,000 rows sends
 *   one notification per queue, not 20,000.
 * - the claim and the due-time lookup are functions because they must walk the claim index in
 *   order and stop early. With missing or stale statistics (a new table, a queue that just filled
 *   up) the planner picks a bitmap scan and sorts every due row instead, milliseconds per claim on
 *   a long queue; the functions switch bitmap and sequential scans off for their own statements.
 *   They are PL/pgSQL so that each connection plans their statements once (see `claimFunction`).
 */
export function schemaStatements(names: SchemaNames): string[] {
  const { schema, table, qualifiedTable, qualifiedRestartTable } = names;
  const fn = `${quote(schema)}.${quote(`${table}_notify`)}`;
  const literalChannel = channelLiteral(names);
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
      delivery_count integer NOT NULL DEFAULT 0,
      priority smallint NOT NULL DEFAULT 0,
      deduplication_key text NULL,
      deduplicate_until timestamptz NULL,
      deduplicate_in_queue boolean NOT NULL DEFAULT false
    ) WITH (fillfactor = ${FILLFACTOR})`,
    claimIndexStatement(names),
    deduplicationIndexStatement(names),
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
    sendDeduplicatedFunction(names, literalChannel),
    `CREATE TABLE IF NOT EXISTS ${qualifiedRestartTable} (
      id smallint PRIMARY KEY CHECK (id = 1),
      requested_at bigint NOT NULL
    )`,
    workersTableStatement(names),
    versionComment(names, SCHEMA_VERSION),
  ];
}

function claimIndexStatement(names: SchemaNames): string {
  return `CREATE INDEX IF NOT EXISTS ${quote(`${names.table}_claim_idx`)}
    ON ${names.qualifiedTable} (queue_name, priority DESC, available_at, id)`;
}

function deduplicationIndexStatement(names: SchemaNames): string {
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${quote(`${names.table}_deduplication_idx`)}
    ON ${names.qualifiedTable} (queue_name, deduplication_key) WHERE deduplication_key IS NOT NULL`;
}

/** The notification channel as an SQL literal: built from validated identifiers or hex, no quote can occur. */
function channelLiteral(names: SchemaNames): string {
  return `'${names.channel}'`;
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
 *
 * 3 → 4: per-message priority and deduplication. The columns have constant defaults (no
 * rewrite); the claim index is built again with the priority in front, which reads the whole
 * table and blocks sends meanwhile (on a long queue, run setup at a quiet time); the claim and
 * due functions keep their signatures; the send function is new.
 *
 * 4 → 5: the claim and due functions are PL/pgSQL instead of SQL (and the claim updates the rows it
 * picked by ctid), with the same signatures and
 * results (CREATE OR REPLACE changes them in place): see `claimFunction`.
 *
 * 5 → 6: the claim can report when the next row becomes due (`report_due`, a fourth parameter
 * defaulting to false, and a `wait_ms` output column), so that an idle worker needs no due-time
 * lookup of its own, and can delete acknowledged rows first (`acks`, a fifth, defaulting to
 * none): the function is dropped and created again. A worker of the previous release
 * that does not set tables up still calls it with three arguments and reads the columns it knows.
 *
 * The functions read the columns of the latest version, so every step's new functions are
 * created once, by the last step, after all columns are there.
 */
export function migrationStatements(names: SchemaNames, from: number): string[] {
  const steps: string[] = [];
  if (from < 2) {
    steps.push(
      `DROP INDEX IF EXISTS ${quote(names.schema)}.${quote(`${names.table}_claimed_idx`)}`,
      `ALTER TABLE ${names.qualifiedTable} SET (fillfactor = ${FILLFACTOR})`,
    );
  }
  if (from < 3) {
    steps.push(
      `ALTER TABLE ${names.qualifiedTable} ADD COLUMN IF NOT EXISTS delivery_count integer NOT NULL DEFAULT 0`,
      `DROP FUNCTION IF EXISTS ${names.claimFunction}(text[], float8, integer)`,
    );
  }
  if (from < 4) {
    steps.push(
      `ALTER TABLE ${names.qualifiedTable}
        ADD COLUMN IF NOT EXISTS priority smallint NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS deduplication_key text NULL,
        ADD COLUMN IF NOT EXISTS deduplicate_until timestamptz NULL,
        ADD COLUMN IF NOT EXISTS deduplicate_in_queue boolean NOT NULL DEFAULT false`,
      `DROP INDEX IF EXISTS ${quote(names.schema)}.${quote(`${names.table}_claim_idx`)}`,
      claimIndexStatement(names),
      deduplicationIndexStatement(names),
      sendDeduplicatedFunction(names, channelLiteral(names)),
    );
  }
  if (from < 6) {
    // One more parameter and output column: CREATE OR REPLACE cannot change either.
    steps.push(`DROP FUNCTION IF EXISTS ${names.claimFunction}(text[], float8, integer)`);
    steps.push(dueFunction(names), claimFunction(names));
  }
  steps.push(versionComment(names, SCHEMA_VERSION));
  return steps;
}
