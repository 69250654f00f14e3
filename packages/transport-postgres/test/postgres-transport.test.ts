import {
  BusNameStamp,
  DelayStamp,
  Envelope,
  LogicError,
  TransportError,
  TransportMessageIdStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CLAIM_BUDGET_MS, MAX_CLAIM_BATCH, PostgresTransactionStamp, SCHEMA_VERSION } from "../src/index.js";
import { createTransport, dropSchema, Job, pgUp } from "./support/postgres.js";
import { postgresTestFile } from "./support/postgres-test-file.js";

const { admin, schema, transport, sameTable, track, table } = postgresTestFile("transport");

const numbers = (envelopes: readonly Envelope[]) => envelopes.map((e) => (e.message as Job).n);

afterEach(() => {
  vi.restoreAllMocks();
});

describe.skipIf(!pgUp)("PostgresTransport", () => {
  it("gives bigint ids as strings, and bulk sends in one statement with ids in order", async () => {
    const t = transport();
    const spy = vi.spyOn(t.pool, "query");
    const sent = await t.sendMany([1, 2, 3, 4].map((n) => Envelope.wrap(new Job(n))));
    const ids = sent.map((e) => e.last(TransportMessageIdStamp)!.id);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b));
    expect(spy.mock.calls.filter(([q]) => JSON.stringify(q).includes("INSERT INTO"))).toHaveLength(1);
    expect(numbers(await t.all())).toEqual([1, 2, 3, 4]);
  });

  it("bulk sends store each message's own headers, whatever their stamps' JSON holds", async () => {
    const t = transport();
    // Stamp headers are JSON inside the headers' JSON: quotes, backslashes, control and non-ASCII
    // characters are escaped twice on the way in.
    const names = ["plain", 'quote " and \\ backslash', "line\nbreak\ttab", "é ü 中文 😀", '\\"\\\\"'];
    const sent = await t.sendMany(
      names.map((name, n) => Envelope.wrap(new Job(n), [new BusNameStamp(name), new DelayStamp(0)])),
    );
    const stored = await t.all();
    expect(numbers(stored)).toEqual([0, 1, 2, 3, 4]);
    expect(stored.map((e) => e.last(BusNameStamp)?.busName)).toEqual(names);
    const ids = sent.map((e) => e.last(TransportMessageIdStamp)!.id);
    expect(stored.map((e) => e.last(TransportMessageIdStamp)!.id)).toEqual(ids);
    const rows = await admin.query(`SELECT headers->>'type' AS type FROM ${table(t)} ORDER BY id`);
    expect(rows.rows.map((row) => row.type)).toEqual(names.map(() => "pg_test.job"));
  });

  it("bulk sends hand the bodies to the driver as one binary text[], not a literal to escape", async () => {
    const t = transport();
    const spy = vi.spyOn(t.pool, "query");
    await t.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
    const inserts = spy.mock.calls.filter(([q]) => JSON.stringify(q).includes("INSERT INTO"));
    expect(inserts).toHaveLength(1);
    const values = (inserts[0]![0] as unknown as { values: unknown[] }).values;
    expect(Buffer.isBuffer(values[0])).toBe(true);
    expect(numbers(await t.all())).toEqual([1, 2]);
  });

  it("claims in batches once acks show the handlers keep up, oldest first, one statement per claim", async () => {
    const t = transport();
    await t.sendMany(Array.from({ length: 30 }, (_, n) => Envelope.wrap(new Job(n))));
    const first = await t.get();
    expect(first, "nothing measured yet: one row, as Symfony").toHaveLength(1);
    await t.ack(first[0]!);
    const second = await t.get();
    expect(second.length).toBeGreaterThan(1);
    expect(second.length).toBeLessThanOrEqual(MAX_CLAIM_BATCH);
    expect(numbers(second)).toEqual(numbers(second).toSorted((a, b) => a - b));
    expect(numbers(second)[0]).toBe(1);
  });

  it("claims the next batch while a full one is handled; close() hands an untaken one back", async () => {
    const t = transport();
    const total = 2 * MAX_CLAIM_BATCH + 101;
    await t.sendMany(Array.from({ length: total }, (_, n) => Envelope.wrap(new Job(n))));
    const claimed = async () =>
      (await admin.query(`SELECT count(*)::int AS n FROM ${table(t)} WHERE delivered_at IS NOT NULL`)).rows[0]
        .n as number;
    const firstBatch = await t.get();
    // Acked at once, so the consumer measures fast (a query first would read as its handling time).
    await t.ack(firstBatch[0]!);
    expect(firstBatch, "nothing measured yet: one row").toHaveLength(1);
    expect(await claimed(), "so nothing was claimed ahead").toBe(0);
    // Its size depends on the pace measured (a quarter second of work, at most MAX_CLAIM_BATCH).
    const second = await t.get();
    expect(second.length).toBeGreaterThan(1);
    expect(numbers(second)).toEqual(Array.from({ length: second.length }, (_, i) => 1 + i));
    await vi.waitFor(async () =>
      expect(await claimed(), "the next batch, before any get()").toBeGreaterThan(second.length),
    );
    const third = await t.get();
    expect(numbers(third)).toEqual(Array.from({ length: third.length }, (_, i) => 1 + second.length + i));
    await t.close();
    expect(await claimed(), "the batch claimed ahead of the fourth get() is claimable again").toBe(
      second.length + third.length,
    );
  });

  it("hands a batch claimed ahead back when the next get() asks for other queues", async () => {
    const t = transport();
    await t.sendMany(Array.from({ length: 2 * MAX_CLAIM_BATCH + 1 }, (_, n) => Envelope.wrap(new Job(n))));
    await t.ack((await t.get())[0]!);
    const second = await t.get();
    expect(second.length).toBeGreaterThan(1);
    expect(await t.getFromQueues(["other"])).toEqual([]);
    const left = await admin.query(`SELECT count(*)::int AS n FROM ${table(t)} WHERE delivered_at IS NULL`);
    expect(left.rows[0].n, "the batch claimed ahead for the default queue").toBe(
      2 * MAX_CLAIM_BATCH - second.length,
    );
  });

  it("claims few rows when acks come slowly, so a waiting batch cannot outlive the redelivery timeout", async () => {
    const t = transport({ redeliver_timeout: 0.3 }); // a third is 100 ms
    await t.sendMany(Array.from({ length: 10 }, (_, n) => Envelope.wrap(new Job(n))));
    const [slow] = await t.get();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await t.ack(slow!);
    expect(await t.get()).toHaveLength(1);
  });

  it("claims no more than a quarter second of the consumer's work, however long the redelivery timeout", async () => {
    const t = transport(); // 30 s: a third of it would be 10 s of work, hundreds of rows here
    await t.sendMany(Array.from({ length: 200 }, (_, n) => Envelope.wrap(new Job(n))));
    const [first] = await t.get();
    // 20 ms per message: a quarter second is 12 of them (the claim sizer's smoothing aside).
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.ack(first!);
    const second = await t.get();
    expect(second.length).toBeLessThanOrEqual(CLAIM_BUDGET_MS / 20);
  });

  it("coalesces acks issued together into one DELETE, and resolves them only once it ran", async () => {
    const t = transport();
    await t.sendMany([1, 2, 3, 4, 5].map((n) => Envelope.wrap(new Job(n))));
    const received: Envelope[] = [];
    while (received.length < 5) received.push(...(await t.get()));
    const spy = vi.spyOn(t.pool, "query");
    await Promise.all(received.map((e) => t.ack(e)));
    const deletes = spy.mock.calls.filter(([q]) => JSON.stringify(q).includes("DELETE FROM"));
    expect(deletes).toHaveLength(1);
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${table(t)}`)).rows[0].n).toBe(0);
  });

  it("refuses to ack an envelope it did not hand out, or one read from another table", async () => {
    const t = transport();
    await expect(t.ack(Envelope.wrap(new Job(1), [new TransportMessageIdStamp("1")]))).rejects.toBeInstanceOf(
      LogicError,
    );
    const other = transport();
    await other.send(Envelope.wrap(new Job(1)));
    await t.send(Envelope.wrap(new Job(2)));
    const [fromOther] = await other.get();
    await expect(t.ack(fromOther!)).rejects.toThrow(/read from table/);
    expect(numbers(await t.all()), "the row with the same id in this table survives").toEqual([2]);
  });

  it("counts only what a claim could take now; lists everything; finds by id within its queue", async () => {
    const t = transport();
    const other = sameTable(t, { queue_name: "other" });
    await t.send(Envelope.wrap(new Job(1)));
    await t.send(Envelope.wrap(new Job(2), [DelayStamp.delayFor(60_000)]));
    const claimed = await t.send(Envelope.wrap(new Job(3)));
    const [otherSent] = await other.sendMany([Envelope.wrap(new Job(4))]);
    expect(await t.getMessageCount()).toBe(2);
    await t.get(); // claims job 1 (one row: nothing measured yet)
    expect(await t.getMessageCount()).toBe(1);
    expect(numbers(await t.all())).toEqual([1, 2, 3]);
    expect(numbers(await t.all(2))).toEqual([1, 2]);
    const id = claimed.last(TransportMessageIdStamp)!.id;
    expect((await t.find(id))?.message).toEqual(new Job(3));
    expect(await t.find(Number(id))).toBeDefined();
    expect(await t.find(otherSent!.last(TransportMessageIdStamp)!.id), "another queue's row").toBeUndefined();
    expect(await t.find("abc")).toBeUndefined();
    expect(await t.find("99999999999999999999")).toBeUndefined();
  });

  it("claims across queues of one table with getFromQueues, oldest first", async () => {
    const a = transport({ queue_name: "a" });
    const b = sameTable(a, { queue_name: "b" });
    await a.send(Envelope.wrap(new Job(1)));
    await b.send(Envelope.wrap(new Job(2)));
    await a.send(Envelope.wrap(new Job(3)));
    const received: Envelope[] = [];
    for (let i = 0; i < 5 && received.length < 3; i++) {
      for (const e of await a.getFromQueues(["a", "b"])) {
        received.push(e);
        await a.ack(e);
      }
    }
    expect(numbers(received)).toEqual([1, 2, 3]);
    await expect(a.getFromQueues(["bad queue"])).rejects.toThrow(/option "queues"/);
  });

  it("keepalive with more seconds than the timeout pushes the deadline that far", async () => {
    const t = transport({ redeliver_timeout: 1 });
    await t.send(Envelope.wrap(new Job(1)));
    const [claimed] = await t.get();
    await t.keepalive(claimed!, 120);
    const { rows } = await admin.query(
      `SELECT EXTRACT(EPOCH FROM delivered_at - now())::float8 AS ahead FROM ${table(t)}`,
    );
    expect(rows[0].ahead).toBeGreaterThan(110);
    await expect(t.keepalive(claimed!, -1)).rejects.toThrow(/seconds must be a number > 0/);
  });

  it("hands out a row with garbage headers or body as UndecodableMessage, raw body kept", async () => {
    const t = transport();
    await t.setup();
    await admin.query(`INSERT INTO ${table(t)} (body, headers, queue_name) VALUES ($1, $2, 'default')`, [
      "\u00ff not json",
      JSON.stringify({ type: 42 }),
    ]);
    const [received] = await t.get();
    expect(received!.message).toBeInstanceOf(UndecodableMessage);
    expect((received!.message as UndecodableMessage).body).toBe("\u00ff not json");
  });

  it("refuses sendMany across different transactions", async () => {
    const t = transport();
    const [c1, c2] = [await admin.connect(), await admin.connect()];
    try {
      await expect(
        t.sendMany([
          Envelope.wrap(new Job(1), [new PostgresTransactionStamp(c1)]),
          Envelope.wrap(new Job(2), [new PostgresTransactionStamp(c2)]),
        ]),
      ).rejects.toThrow(/different transactions/);
    } finally {
      c1.release();
      c2.release();
    }
  });

  it("keeps the restart signal in its table, latest request winning", async () => {
    const t = transport();
    expect(await t.getRestartRequestedAt()).toBeNull();
    await t.requestRestart(2_000);
    await t.requestRestart(1_000);
    const other = sameTable(t, { queue_name: "other" });
    expect(await other.getRestartRequestedAt()).toBe(2_000);
  });

  it("keeps worker heartbeats in <table>_workers, shared by the table's queues; listing creates nothing", async () => {
    const missing = transport({ auto_setup: true });
    // A status command on a transport never set up: no worker, and still no table.
    expect(await missing.listWorkers()).toEqual([]);
    expect(await missing.readThroughput(["async"], 0), "nor any throughput").toEqual([]);
    await missing.removeWorker("nobody");
    const { rows } = await admin.query("SELECT to_regclass($1) IS NULL AS absent", [table(missing)]);
    expect(rows[0].absent).toBe(true);

    const t = transport();
    const beat = {
      id: "w1",
      host: "h",
      pid: 1,
      transports: ["async"],
      concurrency: 1,
      handled: 3,
      failed: 0,
      memory: 10,
      startedAt: 1,
      lastSeenAt: 2,
    };
    await t.beatWorker(beat, 60_000);
    const other = sameTable(t, { queue_name: "other" });
    expect(await other.listWorkers()).toEqual([beat]);
    // Expired on the database clock: a row whose expiry passed is deleted by the next listing.
    await admin.query(
      `UPDATE "${t.schema}"."${t.tableName}_workers" SET expires_at = now() - interval '1 second'`,
    );
    expect(await other.listWorkers()).toEqual([]);
    const left = await admin.query(`SELECT count(*)::int AS n FROM "${t.schema}"."${t.tableName}_workers"`);
    expect(left.rows[0].n).toBe(0);
  });

  describe("setup", () => {
    it("creates <table>_workers on an installation set up before it existed, without touching the version", async () => {
      const t = transport();
      await t.setup();
      const workers = `"${t.schema}"."${t.tableName}_workers"`;
      await admin.query(`DROP TABLE ${workers}`);
      const later = sameTable(t, { auto_setup: false });
      await later.setup();
      const { rows } = await admin.query(
        "SELECT to_regclass($1) IS NOT NULL AS present, obj_description(to_regclass($2), 'pg_class') AS comment",
        [workers, table(t)],
      );
      expect(rows[0]).toEqual({
        present: true,
        comment: `messenger-ts transport table; schema version ${SCHEMA_VERSION}`,
      });
    });

    it("creates table, indexes, trigger and restart table, versioned; concurrent setups do not collide", async () => {
      const transports = Array.from({ length: 4 }, () =>
        track(createTransport({ schema: `${schema}_setup`, table_name: "jobs" })),
      );
      await Promise.all(transports.map((t) => t.setup()));
      const { rows } = await admin.query(
        `SELECT obj_description(to_regclass($1), 'pg_class') AS comment,
                (SELECT array_agg(indexname::text ORDER BY indexname) FROM pg_indexes WHERE schemaname = $2 AND tablename = 'jobs') AS indexes,
                (SELECT count(*)::int FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal) AS triggers,
                to_regclass($3) IS NOT NULL AS restart, to_regclass($4) IS NOT NULL AS workers`,
        [
          `"${schema}_setup"."jobs"`,
          `${schema}_setup`,
          `"${schema}_setup"."jobs_restart"`,
          `"${schema}_setup"."jobs_workers"`,
        ],
      );
      expect(rows[0]).toEqual({
        comment: `messenger-ts transport table; schema version ${SCHEMA_VERSION}`,
        indexes: ["jobs_claim_idx", "jobs_deduplication_idx", "jobs_pkey"],
        triggers: 1,
        restart: true,
        workers: true,
      });
      await dropSchema(admin, `${schema}_setup`);
    });

    it("does nothing without auto_setup: a missing table is a TransportError", async () => {
      const t = transport({ auto_setup: false });
      const error = await t.send(Envelope.wrap(new Job(1))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as Error).message).toMatch(/could not send a message.*does not exist/);
    });

    it("refuses a table it did not create, and one from a newer release", async () => {
      await admin.query(`CREATE TABLE "${schema}"."foreign_jobs" (id int)`);
      const foreign = transport({ table_name: "foreign_jobs" });
      await expect(foreign.setup()).rejects.toThrow(/was not created by messenger-ts/);
      const t = transport();
      await t.setup();
      await admin.query(`COMMENT ON TABLE ${table(t)} IS 'messenger-ts transport table; schema version 99'`);
      const later = sameTable(t);
      await expect(later.setup()).rejects.toThrow(
        new RegExp(`schema version 99, newer than the ${SCHEMA_VERSION} `),
      );
    });

    it("migrates a version 1 table: claims become HOT updates, rows kept", async () => {
      const t = transport();
      await t.send(Envelope.wrap(new Job(1)));
      const claimedIdx = `"${t.schema}"."${t.tableName}_claimed_idx"`;
      // What version 1 had: the partial index on claimed rows, full pages, its version comment.
      await admin.query(
        `CREATE INDEX ${claimedIdx.split(".")[1]} ON ${table(t)} (queue_name, delivered_at) WHERE delivered_at IS NOT NULL`,
      );
      await admin.query(`ALTER TABLE ${table(t)} RESET (fillfactor)`);
      await admin.query(`COMMENT ON TABLE ${table(t)} IS 'messenger-ts transport table; schema version 1'`);
      const upgraded = sameTable(t);
      await upgraded.setup();
      const { rows } = await admin.query(
        `SELECT obj_description(to_regclass($1), 'pg_class') AS comment, to_regclass($2) IS NULL AS dropped,
                (SELECT reloptions FROM pg_class WHERE oid = to_regclass($1)) AS options`,
        [table(t), claimedIdx],
      );
      expect(rows[0]).toEqual({
        comment: `messenger-ts transport table; schema version ${SCHEMA_VERSION}`,
        dropped: true,
        options: ["fillfactor=50"],
      });
      expect(numbers(await upgraded.get())).toEqual([1]);
    });

    it("migrates a version 4 table: the claim and due functions become PL/pgSQL, rows kept", async () => {
      const t = transport();
      await t.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
      const claim = `"${t.schema}"."${t.tableName}_claim"`;
      const due = `"${t.schema}"."${t.tableName}_due"`;
      // What version 4 had: the same functions in SQL (bodies reduced to what their signatures need).
      await admin.query(`DROP FUNCTION ${claim}`);
      await admin.query(
        `CREATE FUNCTION ${claim}(queues text[], redeliver_seconds float8, batch integer)
           RETURNS TABLE (id bigint, body text, headers jsonb, delivery_count integer)
           LANGUAGE sql AS $$ SELECT NULL::bigint, NULL::text, NULL::jsonb, NULL::integer WHERE false $$`,
      );
      await admin.query(
        `CREATE OR REPLACE FUNCTION ${due}(queues text[], redeliver_seconds float8) RETURNS float8
           LANGUAGE sql AS $$ SELECT NULL::float8 $$`,
      );
      await admin.query(`COMMENT ON TABLE ${table(t)} IS 'messenger-ts transport table; schema version 4'`);
      const languages = async () =>
        (
          await admin.query(
            `SELECT l.lanname FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang
             WHERE p.oid IN (to_regproc($1), to_regproc($2)) ORDER BY p.proname`,
            [claim, due],
          )
        ).rows.map((row: { lanname: string }) => row.lanname);
      expect(await languages()).toEqual(["sql", "sql"]);

      const upgraded = sameTable(t, { auto_setup: false });
      await upgraded.setup();
      const { rows } = await admin.query("SELECT obj_description(to_regclass($1), 'pg_class') AS comment", [
        table(t),
      ]);
      expect(rows[0].comment).toBe(`messenger-ts transport table; schema version ${SCHEMA_VERSION}`);
      expect(await languages()).toEqual(["plpgsql", "plpgsql"]);
      const waiting = await admin.query(`SELECT ${due}(ARRAY[$1], 30) <= 0 AS due_now`, [t.queueName]);
      expect(waiting.rows[0].due_now).toBe(true);
      const claimed = [...(await upgraded.get()), ...(await upgraded.get())];
      expect(numbers(claimed)).toEqual([1, 2]);
    });

    it("migrates a version 5 table: one claim function, which reports the next due time; rows kept", async () => {
      const t = transport();
      await t.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
      const claim = `"${t.schema}"."${t.tableName}_claim"`;
      // What version 5 had: the claim with three parameters and four columns (body reduced).
      await admin.query(`DROP FUNCTION ${claim}`);
      await admin.query(
        `CREATE FUNCTION ${claim}(queues text[], redeliver_seconds float8, batch integer)
           RETURNS TABLE (id bigint, body text, headers jsonb, delivery_count integer)
           LANGUAGE plpgsql AS $$ BEGIN END $$`,
      );
      await admin.query(`COMMENT ON TABLE ${table(t)} IS 'messenger-ts transport table; schema version 5'`);

      const upgraded = sameTable(t, { auto_setup: false });
      await upgraded.setup();
      const { rows } = await admin.query(
        `SELECT obj_description(to_regclass($1), 'pg_class') AS comment,
                (SELECT array_agg(pg_get_function_identity_arguments(p.oid)) FROM pg_proc AS p
                 WHERE p.proname = $2 AND p.pronamespace = to_regnamespace($3)) AS claims`,
        [table(t), `${t.tableName}_claim`, `"${t.schema}"`],
      );
      expect(rows[0].comment).toBe(`messenger-ts transport table; schema version ${SCHEMA_VERSION}`);
      expect(rows[0].claims).toEqual([
        "queues text[], redeliver_seconds double precision, batch integer, report_due boolean, acks bigint[]",
      ]);
      // A worker of version 5 calls it with three arguments: no report row comes back to it.
      const old = await admin.query(`SELECT id, wait_ms FROM ${claim}(ARRAY[$1], 30, 5)`, [t.queueName]);
      expect(old.rows).toHaveLength(2);
      expect(old.rows.every((row: { id: string | null }) => row.id !== null)).toBe(true);
      await admin.query(`UPDATE ${table(t)} SET delivered_at = NULL`);
      const claimed = [...(await upgraded.get()), ...(await upgraded.get())];
      expect(numbers(claimed)).toEqual([1, 2]);
    });
  });
});

describe.skipIf(!pgUp)("PostgresTransport pause state and shared limits tables", () => {
  const present = async (t: { tableName: string }, suffix: string) =>
    (
      await admin.query("SELECT to_regclass($1) IS NOT NULL AS present", [
        `"${schema}"."${t.tableName}_${suffix}"`,
      ])
    ).rows[0].present as boolean;

  it("reading the pause state creates nothing; pausing creates the control tables; setup() creates them too", async () => {
    const reads = transport();
    expect(await reads.getPausedTransports()).toEqual([]);
    expect(await present(reads, "paused"), "a read (messenger:stats, an idle worker) creates nothing").toBe(
      false,
    );
    await reads.pauseTransport("async");
    expect(await reads.getPausedTransports()).toEqual(["async"]);
    for (const suffix of ["paused", "rates", "leases"]) expect(await present(reads, suffix)).toBe(true);

    const setUp = transport();
    await setUp.setup();
    for (const suffix of ["paused", "rates", "leases"]) expect(await present(setUp, suffix)).toBe(true);
    // The messages table keeps its own schema version: nothing about it changed.
    const { rows } = await admin.query("SELECT obj_description(to_regclass($1), 'pg_class') AS comment", [
      table(setUp),
    ]);
    expect(rows[0].comment).toBe(`messenger-ts transport table; schema version ${SCHEMA_VERSION}`);
  });
});
