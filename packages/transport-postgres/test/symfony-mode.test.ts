import { AsMessage, BusNameStamp, DelayStamp, Envelope } from "@messenger-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresTransport } from "../src/index.js";
import { adminPool, createTransport, dropSchema, pgUp, schemaFor } from "./support/postgres.js";

@AsMessage("pg_symfony_test.job")
class Job {
  constructor(readonly n: number) {}
}

/**
 * The symfony option without PHP: the table as Symfony's setup makes it, the times Symfony reads.
 * Against Symfony Messenger itself: packages/symfony/test/postgres-interop.test.ts.
 */
describe.skipIf(!pgUp)("PostgreSQL transport, symfony option", () => {
  const admin = adminPool();
  const schema = schemaFor("symfony_mode");
  const opened: PostgresTransport[] = [];
  const transport = (options: Record<string, string | number | boolean> = {}) => {
    const t = createTransport({ schema, symfony: true, queue_name: "jobs", ...options });
    opened.push(t);
    return t;
  };

  beforeAll(() => dropSchema(admin, schema));
  afterAll(async () => {
    for (const t of opened) await t.close();
    await dropSchema(admin, schema);
    await admin.end();
  });

  it("creates Symfony's table, indexes (Doctrine's names) and trigger, and accepts it again", async () => {
    const t = transport();
    await t.setup();
    await transport().setup();
    const columns = await admin.query<{ column_name: string; type: string; is_nullable: string }>(
      `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
              CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable
       FROM pg_attribute AS a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [`"${schema}".messenger_messages`],
    );
    expect(columns.rows).toEqual([
      { column_name: "id", type: "bigint", is_nullable: "NO" },
      { column_name: "body", type: "text", is_nullable: "NO" },
      { column_name: "headers", type: "text", is_nullable: "NO" },
      { column_name: "queue_name", type: "character varying(190)", is_nullable: "NO" },
      { column_name: "created_at", type: "timestamp(0) without time zone", is_nullable: "NO" },
      { column_name: "available_at", type: "timestamp(0) without time zone", is_nullable: "NO" },
      { column_name: "delivered_at", type: "timestamp(0) without time zone", is_nullable: "YES" },
    ]);
    // What Doctrine DBAL names them for messenger_messages (as Symfony 5.4's setup created them).
    const indexes = await admin.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'messenger_messages' ORDER BY indexname",
      [schema],
    );
    expect(indexes.rows.map((row) => row.indexname)).toEqual([
      "idx_75ea56e016ba31db",
      "idx_75ea56e0e3bd61ce",
      "idx_75ea56e0fb7336f0",
      "messenger_messages_pkey",
    ]);
    const trigger = await admin.query<{ definition: string }>(
      `SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal`,
      [`"${schema}".messenger_messages`],
    );
    expect(trigger.rows.map((row) => row.definition)).toEqual([
      `CREATE TRIGGER notify_trigger AFTER INSERT OR UPDATE ON ${schema}.messenger_messages FOR EACH ROW EXECUTE FUNCTION ${schema}.notify_messenger_messages()`,
    ]);
  });

  it("writes UTC wall-clock times truncated to the second, and a delay on top", async () => {
    const t = transport();
    await t.send(Envelope.wrap(new Job(1)));
    await t.send(Envelope.wrap(new Job(2), [new DelayStamp(5_000)]));
    const { rows } = await admin.query<{ now_ok: boolean; delayed_by: number; headers: string }>(
      `SELECT available_at <= date_trunc('second', now() AT TIME ZONE 'UTC') AS now_ok,
              EXTRACT(EPOCH FROM available_at - created_at)::int AS delayed_by, headers
       FROM "${schema}".messenger_messages WHERE queue_name = 'jobs' ORDER BY id`,
    );
    expect(rows.map((row) => row.now_ok)).toEqual([true, false]);
    expect(rows[1]?.delayed_by).toBeGreaterThanOrEqual(4);
    expect(JSON.parse(rows[0]!.headers)).toMatchObject({ type: "pg_symfony_test.job" });
    const [got] = await t.get();
    expect(got?.message).toEqual(new Job(1));
    await t.ack(got!);
    expect(await t.getStoredMessageCount()).toBe(1);
  });

  it("bulk sends store each message's own text headers, whatever their JSON holds", async () => {
    const t = transport({ queue_name: "bulk" });
    const names = ["plain", 'quote " and \\ backslash', "{braces},commas", "é 😀"];
    await t.sendMany(names.map((name, n) => Envelope.wrap(new Job(n), [new BusNameStamp(name)])));
    const { rows } = await admin.query<{ body: string; headers: string }>(
      `SELECT body, headers FROM "${schema}".messenger_messages WHERE queue_name = 'bulk' ORDER BY id`,
    );
    expect(rows.map((row) => JSON.parse(row.body).n)).toEqual([0, 1, 2, 3]);
    const stored = await t.get();
    expect(stored.map((e) => e.last(BusNameStamp)?.busName)).toEqual(names.slice(0, stored.length));
    expect(rows.map((row) => JSON.parse(row.headers).type)).toEqual(names.map(() => "pg_symfony_test.job"));
  });

  it("refuses a table of the transport's own layout, and the own layout refuses Symfony's", async () => {
    const ownTable = createTransport({ schema, queue_name: "jobs", table_name: "own_layout" });
    opened.push(ownTable);
    await ownTable.setup();
    const symfony = transport({ table_name: "own_layout" });
    await expect(symfony.setup()).rejects.toMatchObject({ code: "FOREIGN_TABLE" });
    const own = createTransport({ schema, queue_name: "jobs" });
    opened.push(own);
    await expect(own.setup()).rejects.toThrow(/needs the symfony option/);
  });
});
