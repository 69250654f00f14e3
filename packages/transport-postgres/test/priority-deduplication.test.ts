import {
  createMessenger,
  DeduplicatedStamp,
  DeduplicateStamp,
  DelayStamp,
  Envelope,
  MessageDeduplicatedEvent,
  PriorityStamp,
} from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { PostgresTransportFactory, SCHEMA_VERSION } from "../src/index.js";
import { dsn, Job, pgUp } from "./support/postgres.js";
import { postgresTestFile } from "./support/postgres-test-file.js";

const { admin, schema, transport, sameTable, table } = postgresTestFile("priority_dedup");

/**
 * The plan of one queue's part of the claim, under the settings the claim function runs with: for
 * the values of one call, or (`generic`) the plan for any values that PL/pgSQL may keep for the
 * connection once it has run the claim a few times.
 */
async function claimPlan(qualified: string, generic = false): Promise<string> {
  const client = await admin.connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL enable_bitmapscan = off");
    await client.query("SET LOCAL enable_seqscan = off");
    await client.query(`SET LOCAL plan_cache_mode = ${generic ? "force_generic_plan" : "force_custom_plan"}`);
    await client.query(
      `PREPARE claim_part(text, float8, int) AS SELECT m.id FROM ${qualified} AS m
       WHERE m.queue_name = $1 AND m.available_at <= now()
         AND (m.delivered_at IS NULL OR m.delivered_at < now() - make_interval(secs => $2))
       ORDER BY m.priority DESC, m.available_at, m.id LIMIT $3 FOR UPDATE SKIP LOCKED`,
    );
    const { rows } = await client.query<{ "QUERY PLAN": string }>(
      "EXPLAIN (COSTS OFF) EXECUTE claim_part('default', 30, 100)",
    );
    await client.query("ROLLBACK");
    await client.query("DEALLOCATE claim_part");
    return rows.map((row) => row["QUERY PLAN"]).join("\n");
  } finally {
    client.release();
  }
}

describe.skipIf(!pgUp)("PostgreSQL priority and deduplication", () => {
  it("claims in priority order through one ordered scan of the claim index, no sort", async () => {
    const t = transport();
    // Many rows at a few priorities, delayed ones among them, and fresh statistics.
    await t.sendMany(
      Array.from({ length: 2_000 }, (_, n) =>
        Envelope.wrap(new Job(n), [
          new PriorityStamp(n % 4),
          ...(n % 10 === 0 ? [new DelayStamp(3_600_000)] : []),
        ]),
      ),
    );
    await admin.query(`ANALYZE ${table(t)}`);
    for (const generic of [false, true]) {
      const plan = await claimPlan(table(t), generic);
      // Printed for docs/performance.md: the claim is a walk of the index in claim order.
      console.log(`[explain] claim of one queue${generic ? ", generic plan" : ""}:\n${plan}`);
      expect(plan).toMatch(new RegExp(`Index Scan using "?${t.tableName}_claim_idx"?`));
      expect(plan).not.toMatch(/Sort/);
    }
    const claimed = await t.get();
    expect(claimed.length).toBeGreaterThan(0);
    expect(claimed.every((e) => e.last(PriorityStamp)?.priority === 3)).toBe(true);
  });

  it("the claim function's statement, as the connection keeps it, walks the claim index and updates by ctid", async (context) => {
    const t = transport();
    await t.sendMany(
      Array.from({ length: 2_000 }, (_, n) => Envelope.wrap(new Job(n), [new PriorityStamp(n % 4)])),
    );
    await admin.query(`ANALYZE ${table(t)}`);
    const client = await admin.connect();
    const plans: string[] = [];
    client.on("notice", (notice) => {
      if (notice.message?.includes("Update on")) plans.push(notice.message);
    });
    try {
      // auto_explain shows the plans of statements inside functions; without it, nothing to look at.
      const loaded = await client.query("LOAD 'auto_explain'").then(
        () => true,
        () => false,
      );
      if (!loaded) context.skip();
      await client.query("SET auto_explain.log_min_duration = 0");
      await client.query("SET auto_explain.log_nested_statements = on");
      await client.query("SET client_min_messages = log");
      const claim = `"${schema}"."${t.tableName}_claim"`;
      // PL/pgSQL plans the first five calls for their values, then may keep a generic plan.
      for (let call = 0; call < 8; call++) {
        await client.query("BEGIN");
        await client.query(`SELECT count(*) FROM ${claim}(ARRAY['default'], 30, 500)`);
        await client.query("ROLLBACK");
      }
    } finally {
      // LOAD and the settings stay with the connection: it is closed, not given back.
      client.release(true);
    }
    expect(plans).toHaveLength(8);
    for (const plan of plans) {
      expect(plan).toMatch(new RegExp(`Index Scan using "?${t.tableName}_claim_idx"?`));
      expect(plan).toMatch(/Tid Scan/);
      expect(plan).not.toMatch(/Merge Join|Hash Join/);
    }
  });

  it("migrates a version 3 table: priority and deduplication columns, rows kept at priority 0", async () => {
    const t = transport();
    await t.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
    // What version 3 had: no priority or deduplication columns (their indexes go with them), the
    // claim index on (queue_name, available_at, id), no send function.
    await admin.query(
      `ALTER TABLE ${table(t)} DROP COLUMN priority, DROP COLUMN deduplication_key,
         DROP COLUMN deduplicate_until, DROP COLUMN deduplicate_in_queue`,
    );
    await admin.query(
      `CREATE INDEX "${t.tableName}_claim_idx" ON ${table(t)} (queue_name, available_at, id)`,
    );
    await admin.query(`DROP FUNCTION "${schema}"."${t.tableName}_send_deduplicated"`);
    await admin.query(`COMMENT ON TABLE ${table(t)} IS 'messenger-ts transport table; schema version 3'`);

    const upgraded = sameTable(t);
    await upgraded.setup();
    const { rows } = await admin.query(`SELECT obj_description(to_regclass($1), 'pg_class') AS comment`, [
      table(t),
    ]);
    expect(rows[0].comment).toBe(`messenger-ts transport table; schema version ${SCHEMA_VERSION}`);
    await upgraded.send(Envelope.wrap(new Job(3), [new PriorityStamp(9)]));
    const first = await upgraded.send(Envelope.wrap(new Job(4), [new DeduplicateStamp("k")]));
    const second = await upgraded.send(Envelope.wrap(new Job(5), [new DeduplicateStamp("k")]));
    expect(first.has(DeduplicatedStamp)).toBe(false);
    expect(second.has(DeduplicatedStamp)).toBe(true);
    const claimed = [];
    for (let round = 0; claimed.length < 4 && round < 20; round++) claimed.push(...(await upgraded.get()));
    expect(claimed.map((e) => (e.message as Job).n)).toEqual([3, 1, 2, 4]);
  });

  it("bus.dispatch returns the DeduplicatedStamp and dispatches MessageDeduplicatedEvent; workers on other connections store one", async () => {
    const messenger = createMessenger({
      transports: { async: dsn({ schema, table_name: "bus_dedup" }) },
      routing: { "pg_test.job": "async" },
      transportFactories: [new PostgresTransportFactory()],
    });
    const events: MessageDeduplicatedEvent[] = [];
    messenger.events.on(MessageDeduplicatedEvent, (event) => {
      events.push(event);
    });
    // Concurrent producers: separate messengers, each with its own pool and connections.
    const others = [1, 2, 3].map(() =>
      createMessenger({
        transports: { async: dsn({ schema, table_name: "bus_dedup" }) },
        routing: { "pg_test.job": "async" },
        transportFactories: [new PostgresTransportFactory()],
      }),
    );
    try {
      const all = [messenger, ...others];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, n) =>
          all[n % all.length]!.bus.dispatch(new Job(n), [new DeduplicateStamp("order-42")]),
        ),
      );
      const stored = results.filter((e) => !e.has(DeduplicatedStamp));
      expect(stored).toHaveLength(1);
      const ownDropped = results.filter((e, n) => n % all.length === 0 && e.has(DeduplicatedStamp));
      expect(events).toHaveLength(ownDropped.length);
      expect(events[0]?.stamps[0]?.key).toBe("order-42");
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}"."bus_dedup"`);
      expect(rows[0].n).toBe(1);
    } finally {
      await Promise.all([messenger, ...others].map((m) => m.close()));
    }
  });
});
