// The claim statements of the PostgreSQL and SQLite transports with a long queue: fills each with
// N messages (1,000,000 by default) through the transport's own sendMany, then prints the plan of
// the claim as the worker runs it. Run from bench/: `node dist/claim-plan.js [--n 1000000]`.
//
// PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) of the claim function's statement, with the function's
// planner settings (no bitmap or sequential scan), in a transaction that is rolled back, so the
// claim is really executed and the rows are left as they were. SQLite has no EXPLAIN ANALYZE: its
// EXPLAIN QUERY PLAN of the claim's two picks, and how long each takes (median of 20 runs).

import "reflect-metadata";
import { parseArgs } from "node:util";
import { AsMessage, BusNameStamp, createMessenger, Envelope, isBulkSender } from "@messenger-ts/core";
import pg from "pg";
import { databaseUrl, probePostgres, resetDatabase, resetSqliteFile, sqliteFile } from "./backends.js";

@AsMessage("bench.claim_plan_job")
class ClaimPlanJob {
  constructor(readonly id: number) {}
}

const { values } = parseArgs({
  options: { n: { type: "string", default: "1000000" }, only: { type: "string" } },
});
if (values.only !== undefined && values.only !== "postgres" && values.only !== "sqlite") {
  console.error(`--only needs "postgres" or "sqlite", got "${values.only}"`);
  process.exit(2);
}
const n = Number(values.n);
if (!Number.isSafeInteger(n) || n < 1) {
  console.error(`--n needs an integer >= 1, got "${values.n}"`);
  process.exit(2);
}
const DATABASE = "bench_claim_plan";
const SQLITE = "claim-plan";
/** The largest batch the PostgreSQL worker claims (MAX_CLAIM_BATCH). */
const POSTGRES_BATCH = 500;
const SQLITE_BATCH = 100;
const CALL = 1_000;

/** The little of better-sqlite3 used here (the package ships no types; the transport wraps it). */
interface Statement {
  readonly source: string;
  all(...args: readonly unknown[]): unknown[];
  get(...args: readonly unknown[]): unknown;
}
interface SqliteDatabase {
  prepare(sql: string): Statement;
  close(): void;
}
type SqliteDatabaseClass = new (file: string, options: { readonly: boolean }) => SqliteDatabase;

/** Sends `n` messages through the transport of `dsn` in sendMany calls of 1,000, 4 in flight. */
async function fill(dsn: string, factory: object): Promise<number> {
  const messenger = createMessenger({
    transports: { plan: dsn },
    transportFactories: [factory as never],
    routing: [[ClaimPlanJob, "plan"]],
  });
  await messenger.setup();
  const transport = messenger.getTransport("plan");
  if (!isBulkSender(transport)) throw new Error(`${dsn}: no sendMany`);
  const stamp = new BusNameStamp(messenger.defaultBusName);
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + CALL);
      await transport.sendMany(
        Array.from({ length: next - from }, (_, i) => Envelope.wrap(new ClaimPlanJob(from + i), [stamp])),
      );
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  const seconds = (performance.now() - started) / 1000;
  await messenger.close();
  return seconds;
}

async function postgres(): Promise<void> {
  const down = await probePostgres();
  if (down) {
    console.log(`PostgreSQL skipped: ${down}`);
    return;
  }
  const { PostgresTransportFactory } = await import("@messenger-ts/transport-postgres");
  await resetDatabase(DATABASE);
  try {
    const seconds = await fill(`${databaseUrl(DATABASE)}?queue_name=default`, new PostgresTransportFactory());
    const client = new pg.Client({ connectionString: databaseUrl(DATABASE) });
    await client.connect();
    try {
      // What autovacuum would have done by now; the claim's planner settings do not depend on it.
      await client.query("VACUUM ANALYZE public.messenger_messages");
      await client.query("BEGIN");
      await client.query("SET LOCAL enable_seqscan = off");
      await client.query("SET LOCAL enable_bitmapscan = off");
      const t = "public.messenger_messages";
      const plan = await client.query(
        `EXPLAIN (ANALYZE, BUFFERS)
         WITH picked AS MATERIALIZED (
           SELECT c.id, c.priority, c.available_at FROM unnest(ARRAY['default']) AS q(name)
           CROSS JOIN LATERAL (
             SELECT m.id, m.priority, m.available_at FROM ${t} AS m
             WHERE m.queue_name = q.name AND m.available_at <= now()
               AND (m.delivered_at IS NULL OR m.delivered_at < now() - make_interval(secs => 3600))
             ORDER BY m.priority DESC, m.available_at, m.id LIMIT ${POSTGRES_BATCH} FOR UPDATE SKIP LOCKED
           ) AS c
           ORDER BY c.priority DESC, c.available_at, c.id LIMIT ${POSTGRES_BATCH}
         ), claimed AS (
           UPDATE ${t} AS m SET delivered_at = now(), delivery_count = m.delivery_count + 1
           FROM picked WHERE m.id = picked.id
           RETURNING m.id, m.body, m.headers, m.delivery_count, m.priority, m.available_at
         )
         SELECT claimed.id, claimed.body, claimed.headers, claimed.delivery_count FROM claimed
         ORDER BY claimed.priority DESC, claimed.available_at, claimed.id`,
      );
      await client.query("ROLLBACK");
      console.log(
        `PostgreSQL ${(await client.query("SHOW server_version")).rows[0].server_version}, ${n.toLocaleString("en-US")} messages queued (sent in ${seconds.toFixed(1)} s), claim of ${POSTGRES_BATCH}:\n`,
      );
      for (const row of plan.rows as { "QUERY PLAN": string }[]) console.log(row["QUERY PLAN"]);
    } finally {
      await client.end();
    }
  } finally {
    await resetDatabase(DATABASE);
  }
}

async function sqlite(): Promise<void> {
  const { SqliteTransportFactory } = await import("@messenger-ts/transport-sqlite");
  await resetSqliteFile(SQLITE);
  try {
    const seconds = await fill(
      `sqlite://${sqliteFile(SQLITE)}?queue_name=default`,
      new SqliteTransportFactory(),
    );
    const specifier: string = "better-sqlite3";
    const { default: Database } = (await import(specifier)) as { default: SqliteDatabaseClass };
    const db = new Database(sqliteFile(SQLITE), { readonly: true });
    try {
      // The claim's two picks, as the transport prepares them (sqlite-connection.ts): the due
      // rows in claim order, and rows whose available_at is text (SQLite sorts text after every
      // number, so "available_at <= now" never matches them).
      const notClaimed = "(delivered_at IS NULL OR delivered_at < ? OR delivered_at >= '')";
      const now = Date.now();
      const picks = [
        {
          name: "due rows",
          sql: `SELECT id, priority, available_at FROM messenger_messages
         WHERE queue_name = ? AND available_at <= ? AND ${notClaimed}
         ORDER BY priority DESC, available_at, id LIMIT ?`,
          args: ["default", now, now - 3_600_000, SQLITE_BATCH],
        },
        {
          name: "rows with a text available_at",
          sql: `SELECT id, priority, available_at FROM messenger_messages INDEXED BY messenger_messages_text_due_idx
         WHERE queue_name = ? AND available_at >= '' AND ${notClaimed} LIMIT ?`,
          args: ["default", now - 3_600_000, SQLITE_BATCH],
        },
      ];
      console.log(
        `\nSQLite ${(db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v}, ${n.toLocaleString("en-US")} messages queued (sent in ${seconds.toFixed(1)} s), picks of ${SQLITE_BATCH}:`,
      );
      for (const pick of picks) {
        const statement = db.prepare(pick.sql);
        const plan = db.prepare(`EXPLAIN QUERY PLAN ${pick.sql}`).all(...pick.args) as {
          parent: number;
          detail: string;
        }[];
        const times: number[] = [];
        let rows = 0;
        for (let i = 0; i < 20; i++) {
          const started = performance.now();
          rows = statement.all(...pick.args).length;
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        console.log(`\n${pick.name}:`);
        for (const step of plan) console.log(`${step.parent === 0 ? "" : "  "}${step.detail}`);
        console.log(`${rows} rows, ${times[times.length >> 1]!.toFixed(3)} ms (median of 20 runs)`);
      }
    } finally {
      db.close();
    }
  } finally {
    await resetSqliteFile(SQLITE);
  }
}

if (values.only !== "sqlite") await postgres();
if (values.only !== "postgres") await sqlite();
