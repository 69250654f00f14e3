import { createHash } from "node:crypto";
import { KEPT_KEY_PRIORITY, type SchemaNames } from "./schema.js";

/** A named statement: each pooled connection parses and plans it once. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** The statements of one table. Identifiers come from validated names; every value is a parameter. */
export function statements(names: SchemaNames) {
  const t = names.qualifiedTable;
  // The name is a hash of the text: transports on other tables share the pool, and a name must
  // never stand for two texts on one connection.
  const named = (text: string): Statement => ({
    name: `mt_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`,
    text,
  });
  // $2 is the redelivery timeout in seconds: a claim older than that is abandoned.
  const claimable = `available_at <= now() AND (delivered_at IS NULL OR delivered_at < now() - make_interval(secs => $2::float8))`;
  return {
    insert: named(
      `INSERT INTO ${t} (body, headers, queue_name, created_at, available_at, priority)
       VALUES ($1, $2::jsonb, $3, now(), now() + make_interval(secs => $4::float8 / 1000), $5::smallint) RETURNING id`,
    ),
    // $2 is one JSON array of every message's headers, not a text[] of them: in an array literal
    // every quote and backslash is escaped once more (stamp headers are JSON inside JSON, so they
    // are full of both), by the driver in JavaScript, and the server then parses each element
    // twice (array literal, then jsonb). One JSON array is written by JSON.stringify and parsed once.
    insertMany: named(
      `INSERT INTO ${t} (body, headers, queue_name, created_at, available_at, priority)
       SELECT u.body, h.headers, $3, now(), now() + make_interval(secs => u.delay / 1000), u.priority
       FROM unnest($1::text[], $4::float8[], $5::smallint[]) WITH ORDINALITY AS u(body, delay, priority, n)
       JOIN jsonb_array_elements($2::jsonb) WITH ORDINALITY AS h(headers, n) ON h.n = u.n
       ORDER BY u.n RETURNING id`,
    ),
    sendDeduplicated: named(
      `SELECT message_id AS id, outcome FROM ${names.sendDeduplicatedFunction}($1, $2::jsonb, $3,
         $4::float8, $5::smallint, $6, $7::float8, $8::boolean, $9::boolean, $10::boolean)`,
    ),
    // The ack of a message whose key outlives it (throttle): the row stays, emptied, as the key's
    // holder until its deadline; kept keys whose deadline passed go on the way.
    deleteKeepingKeys: named(
      `WITH kept AS (
         UPDATE ${t} SET body = '', headers = '{}'::jsonb, available_at = 'infinity', delivered_at = NULL,
           priority = ${KEPT_KEY_PRIORITY}
         WHERE id = ANY($1::bigint[]) AND deduplication_key IS NOT NULL AND deduplicate_until > now()
       ), expired AS (
         DELETE FROM ${t} WHERE queue_name = $2 AND priority = ${KEPT_KEY_PRIORITY}
           AND available_at = 'infinity' AND deduplicate_until <= now()
       )
       DELETE FROM ${t} WHERE id = ANY($1::bigint[])
         AND NOT (deduplication_key IS NOT NULL AND deduplicate_until > now())`,
    ),
    // Functions created by setup (see schema.ts): they pin the ordered index plan.
    claim: named(
      `SELECT id, body, headers, delivery_count, wait_ms FROM ${names.claimFunction}($1::text[], $2::float8, $3::int, true, $4::bigint[])`,
    ),
    delete: named(`DELETE FROM ${t} WHERE id = ANY($1::bigint[])`),
    // Hands claimed rows back (a prefetched batch nobody took): claimable again at once, and the
    // delivery the claim counted is taken back, as nothing started the message.
    release: named(
      `UPDATE ${t} SET delivered_at = NULL, delivery_count = GREATEST(delivery_count - 1, 0)
       WHERE id = ANY($1::bigint[]) AND delivered_at IS NOT NULL`,
    ),
    keepalive: named(
      `UPDATE ${t} AS m SET delivered_at = now() + make_interval(secs => k.extra / 1000)
       FROM unnest($1::bigint[], $2::float8[]) AS k(id, extra)
       WHERE m.id = k.id AND m.delivered_at IS NOT NULL`,
    ),
    count: named(`SELECT count(*) AS count FROM ${t} WHERE queue_name = $1 AND ${claimable}`),
    countStored: named(`SELECT count(*) AS count FROM ${t} WHERE queue_name = $1 AND priority >= 0`),
    // $3: the id the page starts after (0 for the first page); ids only grow, so a page goes on
    // where the last one stopped even when its last row was deleted meanwhile.
    list: named(
      `SELECT id, body, headers FROM ${t} WHERE queue_name = $1 AND id > $3::bigint AND priority >= 0 ORDER BY id LIMIT $2`,
    ),
    find: named(
      `SELECT id, body, headers FROM ${t} WHERE queue_name = $1 AND id = $2::bigint AND priority >= 0`,
    ),
    due: named(`SELECT ${names.dueFunction}($1::text[], $2::float8) AS wait_ms`),
    requestRestart: named(
      `INSERT INTO ${names.qualifiedRestartTable} AS r (id, requested_at) VALUES (1, $1::bigint)
       ON CONFLICT (id) DO UPDATE SET requested_at = GREATEST(r.requested_at, EXCLUDED.requested_at)`,
    ),
    restartRequestedAt: named(`SELECT requested_at FROM ${names.qualifiedRestartTable} WHERE id = 1`),
    // Expiry on the database clock: workers on machines whose clocks disagree expire alike.
    beatWorker: named(
      `INSERT INTO ${names.qualifiedWorkersTable} AS w (id, heartbeat, expires_at)
       VALUES ($1, $2::jsonb, now() + make_interval(secs => $3::float8 / 1000))
       ON CONFLICT (id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat, expires_at = EXCLUDED.expires_at`,
    ),
    // The lazy cleanup of workers gone without a word, and the list, in one statement.
    listWorkers: named(
      `WITH gone AS (DELETE FROM ${names.qualifiedWorkersTable} WHERE expires_at <= now())
       SELECT heartbeat FROM ${names.qualifiedWorkersTable} WHERE expires_at > now()`,
    ),
    removeWorker: named(`DELETE FROM ${names.qualifiedWorkersTable} WHERE id = $1`),
  };
}
