import { createMessenger, Envelope, TransportMessageIdStamp } from "@messenger-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresTransactionStamp, type PostgresTransport, PostgresTransportFactory } from "../src/index.js";
import { adminPool, dropSchema, dsn, Job, pgUp, schemaFor } from "./support/postgres.js";

const schema = schemaFor("outbox");
const admin = adminPool();
const messenger = createMessenger({
  transports: { async: dsn({ schema }) },
  transportFactories: [new PostgresTransportFactory()],
  routing: { "pg_test.job": "async" },
});
const transport = messenger.getTransport("async") as PostgresTransport;
const messages = async () =>
  (await admin.query(`SELECT count(*)::int AS n FROM "${schema}".messenger_messages`)).rows[0].n as number;
const orders = async () =>
  (await admin.query(`SELECT id FROM "${schema}".orders ORDER BY id`)).rows.map((r) => r.id);

beforeAll(async () => {
  if (!pgUp) return;
  await messenger.setup();
  await admin.query(`CREATE TABLE "${schema}".orders (id int PRIMARY KEY)`);
});

afterAll(async () => {
  await messenger.close();
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

/** The application's business transaction on its own connection, dispatching through the bus. */
async function placeOrder(id: number, outcome: "COMMIT" | "ROLLBACK", bulk = false): Promise<void> {
  const client = await admin.connect();
  try {
    await client.query("BEGIN");
    await client.query(`INSERT INTO "${schema}".orders (id) VALUES ($1)`, [id]);
    const stamp = new PostgresTransactionStamp(client);
    if (bulk) {
      await transport.sendMany([Envelope.wrap(new Job(id), [stamp]), Envelope.wrap(new Job(-id), [stamp])]);
    } else {
      const sent = await messenger.bus.dispatch(new Job(id), [stamp]);
      expect(sent.last(TransportMessageIdStamp), "sent to the transport, not handled").toBeDefined();
    }
    // Not visible to anyone else (a worker) before the commit.
    expect(await messages()).toBe(0);
    expect(await transport.get()).toEqual([]);
    await client.query(outcome);
  } finally {
    client.release();
  }
}

describe.skipIf(!pgUp)("sending inside the caller's transaction (outbox)", () => {
  it("a rolled-back business transaction leaves no message behind", async () => {
    await placeOrder(1, "ROLLBACK");
    expect(await orders()).toEqual([]);
    expect(await messages()).toBe(0);
  });

  it("a committed one leaves exactly one message, which a worker then receives", async () => {
    await placeOrder(2, "COMMIT");
    expect(await orders()).toEqual([2]);
    expect(await messages()).toBe(1);
    const [received] = await transport.get();
    expect(received!.message).toEqual(new Job(2));
    await transport.ack(received!);
  });

  it("bus.dispatchMany sends through the caller's transaction, in one INSERT, in order", async () => {
    for (const outcome of ["ROLLBACK", "COMMIT"] as const) {
      const client = await admin.connect();
      try {
        await client.query("BEGIN");
        const query = client.query;
        let statements = 0;
        client.query = ((...args: Parameters<typeof query>) => {
          statements++;
          return query.apply(client, args);
        }) as typeof query;
        const sent = await messenger.bus.dispatchMany(
          [new Job(10), new Job(11), new Job(12)],
          [new PostgresTransactionStamp(client)],
        );
        client.query = query;
        expect(statements).toBe(1);
        expect(sent.map((e) => e.message)).toEqual([new Job(10), new Job(11), new Job(12)]);
        const rowIds = sent.map((e) => BigInt(String(e.last(TransportMessageIdStamp)?.id)));
        expect([...rowIds].sort((a, b) => (a < b ? -1 : 1))).toEqual(rowIds);
        expect(await messages()).toBe(0);
        await client.query(outcome);
      } finally {
        client.release();
      }
    }
    expect(await messages()).toBe(3);
    const received = [];
    for (let round = 0; round < 3 && received.length < 3; round++) received.push(...(await transport.get()));
    expect(received.map((e) => e.message)).toEqual([new Job(10), new Job(11), new Job(12)]);
    for (const envelope of received) await transport.ack(envelope);
  });

  it("bulk sends join the transaction too", async () => {
    await placeOrder(3, "ROLLBACK", true);
    expect(await messages()).toBe(0);
    await placeOrder(4, "COMMIT", true);
    expect(await messages()).toBe(2);
  });
});
