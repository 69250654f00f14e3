import {
  createMessenger,
  createWorker,
  DeliveryLimitExceededStamp,
  defineHandler,
  Envelope,
  ErrorDetailsStamp,
  InvalidArgumentError,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { describe, expect, it, vi } from "vitest";
import {
  MAX_CLAIM_BATCH,
  type PostgresTransport,
  PostgresTransportFactory,
  SCHEMA_VERSION,
} from "../src/index.js";
import { dsn, Job, pgUp } from "./support/postgres.js";
import { postgresTestFile } from "./support/postgres-test-file.js";

const { admin, schema, transport, sameTable, table } = postgresTestFile("delivery_count");
const stampOf = (envelope: Envelope | undefined) => envelope?.last(DeliveryLimitExceededStamp);

async function storedCounts(t: PostgresTransport): Promise<number[]> {
  const { rows } = await admin.query<{ delivery_count: number }>(
    `SELECT delivery_count FROM ${table(t)} ORDER BY id`,
  );
  return rows.map((row) => row.delivery_count);
}

/** Makes every claim of the table expired, as the redelivery timeout would, without waiting for it. */
async function expireClaims(t: PostgresTransport): Promise<void> {
  await admin.query(
    `UPDATE ${table(t)} SET delivered_at = now() - interval '1 hour' WHERE delivered_at IS NOT NULL`,
  );
}

describe.skipIf(!pgUp)("PostgresTransport delivery count", () => {
  it("counts each claim in the table, across transport objects, and marks a claim beyond the limit", async () => {
    const first = transport({ delivery_limit: 2 });
    await first.send(Envelope.wrap(new Job(1)));
    const [one] = await first.get();
    expect(stampOf(one)).toBeUndefined();
    expect(await storedCounts(first)).toEqual([1]);
    // The worker died with it: the object goes, the claim stays and expires.
    await first.close();
    await expireClaims(first);

    const second = sameTable(first, { delivery_limit: 2 });
    const [two] = await second.get();
    expect(stampOf(two)).toBeUndefined();
    await second.close();
    await expireClaims(first);

    const third = sameTable(first, { delivery_limit: 2 });
    const [three] = await third.get();
    expect(stampOf(three)).toEqual(new DeliveryLimitExceededStamp(3, 2));
    expect(await storedCounts(first)).toEqual([3]);
  });

  it("release() takes the delivery back: a message handed back unstarted is not one delivery closer to the limit", async () => {
    const t = transport({ delivery_limit: 1 });
    await t.send(Envelope.wrap(new Job(1)));
    for (let round = 0; round < 3; round++) {
      const [claimed] = await t.get();
      expect(stampOf(claimed), `round ${round}`).toBeUndefined();
      expect(await storedCounts(t)).toEqual([1]);
      await t.release([claimed!]);
      expect(await storedCounts(t)).toEqual([0]);
    }
  });

  it("close() hands a batch claimed ahead back with its deliveries taken back", async () => {
    const t = transport();
    await t.sendMany(Array.from({ length: 2 * MAX_CLAIM_BATCH + 1 }, (_, n) => Envelope.wrap(new Job(n))));
    const counted = async () =>
      (
        await admin.query(
          `SELECT count(*) FILTER (WHERE delivery_count = 1)::int AS once, count(*) FILTER (WHERE delivery_count = 0)::int AS never FROM ${table(t)}`,
        )
      ).rows[0];
    await t.ack((await t.get())[0]!);
    const second = await t.get(); // a full claim: the next one is claimed ahead
    await vi.waitFor(async () =>
      expect((await counted()).once, "the next batch, claimed ahead").toBeGreaterThan(second.length),
    );
    await t.close();
    expect(await counted(), "only the batch the worker got").toEqual({
      once: second.length,
      never: 2 * MAX_CLAIM_BATCH - second.length,
    });
  });

  it("listing, finding and counting never count a delivery", async () => {
    const t = transport();
    const sent = await t.send(Envelope.wrap(new Job(1)));
    expect(await t.all()).toHaveLength(1);
    expect(await t.find(sent.last(TransportMessageIdStamp)!.id)).toBeDefined();
    await t.getMessageCount();
    expect(await storedCounts(t)).toEqual([0]);
  });

  it("takes delivery_limit from the DSN, whole numbers >= 1, 5 by default", () => {
    expect(transport().deliveryLimit).toBe(5);
    expect(transport({ delivery_limit: 3 }).deliveryLimit).toBe(3);
    expect(() => transport({ delivery_limit: 0 })).toThrow(InvalidArgumentError);
    expect(() => transport({ delivery_limit: 0 })).toThrow(/delivery_limit.*a whole number from 1 to/);
    expect(() => transport({ delivery_limit: "2.5" })).toThrow(/delivery_limit/);
  });

  it("migrates a version 2 table: the count column is added, rows kept and counted from 0", async () => {
    const t = transport();
    await t.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
    // What version 2 had: no count column, a claim function returning three columns.
    await admin.query(`ALTER TABLE ${table(t)} DROP COLUMN delivery_count`);
    const claim = `"${t.schema}"."${t.tableName}_claim"`;
    await admin.query(`DROP FUNCTION ${claim}`);
    await admin.query(
      `CREATE FUNCTION ${claim}(queues text[], redeliver_seconds float8, batch integer)
       RETURNS TABLE (id bigint, body text, headers jsonb) LANGUAGE sql
       AS $$ SELECT NULL::bigint, NULL::text, NULL::jsonb WHERE false $$`,
    );
    await admin.query(`COMMENT ON TABLE ${table(t)} IS 'messenger-ts transport table; schema version 2'`);

    const upgraded = sameTable(t);
    await upgraded.setup();
    const { rows } = await admin.query(`SELECT obj_description(to_regclass($1), 'pg_class') AS comment`, [
      table(t),
    ]);
    expect(rows[0].comment).toBe(`messenger-ts transport table; schema version ${SCHEMA_VERSION}`);
    expect(await storedCounts(t)).toEqual([0, 0]);
    const [claimed] = await upgraded.get();
    expect((claimed!.message as Job).n).toBe(1);
    expect(await storedCounts(t)).toEqual([1, 0]);
  });

  it("a message whose worker died more often than delivery_limit reaches the failure transport through a real worker, its handler not called", async () => {
    const handled: number[] = [];
    const messenger = createMessenger({
      transports: {
        async: dsn({ schema, table_name: "poison", queue_name: "async", delivery_limit: 1 }),
        failed: dsn({ schema, table_name: "poison", queue_name: "failed" }),
      },
      failureTransport: "failed",
      routing: { "pg_test.job": "async" },
      handlers: [
        defineHandler(Job, async function recordJob(job: Job) {
          handled.push(job.n);
        }),
      ],
      transportFactories: [new PostgresTransportFactory()],
    });
    const async = messenger.getTransport("async") as PostgresTransport;
    const failed = messenger.getTransport("failed") as PostgresTransport;
    await messenger.bus.dispatch(new Job(1));
    // A worker claims it and dies in its handler: nothing acks, the claim expires.
    const [first] = await async.get();
    expect(stampOf(first)).toBeUndefined();
    await expireClaims(async);

    await createWorker(messenger, { receivers: ["async"], limit: 1 }).run();

    expect(handled, "the second delivery is past the limit of 1: no handler runs").toEqual([]);
    expect(await async.all()).toEqual([]);
    const [parked, ...more] = await failed.all();
    expect(more).toEqual([]);
    expect(parked!.message).toEqual(new Job(1));
    expect(parked!.last(ErrorDetailsStamp)?.errorCode).toBe("DELIVERY_LIMIT_EXCEEDED");
    expect(stampOf(parked), "never stored: retried, the message counts afresh").toBeUndefined();
    await messenger.close();
  });
});
