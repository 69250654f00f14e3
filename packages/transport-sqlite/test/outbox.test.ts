import { createMessenger, Envelope, InvalidArgumentError } from "@messenger-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteTransactionStamp, SqliteTransport, SqliteTransportFactory } from "../src/index.js";
import type { SqliteDatabase } from "../src/open-sqlite-database.js";
import { openDatabase, raw } from "./support/drivers.js";
import { OrderPlaced } from "./support/messages.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();

describe("sending inside the application's transaction (outbox)", () => {
  let app: SqliteDatabase;
  let transport: SqliteTransport;
  const orders = () =>
    (raw(app).prepare("SELECT id FROM orders ORDER BY id").all() as { id: number }[]).map((r) => r.id);
  const queued = async () => (await transport.all()).map((e) => (e.message as OrderPlaced).orderId);

  beforeAll(async () => {
    transport = new SqliteTransport({ path: temp("outbox.sqlite"), queueName: "outbox" });
    await transport.setup();
    // The application's own connection to the same file, as an ORM or a repository would hold it.
    app = openDatabase(temp("outbox.sqlite"));
    app.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY)");
  });

  afterAll(async () => {
    app.close();
    await transport.close();
  });

  /** What an application does: its write and the message, in one transaction. */
  async function placeOrder(id: number, outcome: "COMMIT" | "ROLLBACK") {
    app.exec("BEGIN IMMEDIATE");
    try {
      app.prepare("INSERT INTO orders (id) VALUES (?)").run(id);
      await transport.send(Envelope.wrap(new OrderPlaced(id), [new SqliteTransactionStamp(app)]));
    } finally {
      app.exec(outcome);
    }
  }

  it("a rolled-back transaction leaves no message; a committed one leaves one", async () => {
    await placeOrder(1, "ROLLBACK");
    expect(orders()).toEqual([]);
    expect(await queued()).toEqual([]);
    await placeOrder(2, "COMMIT");
    expect(orders()).toEqual([2]);
    expect(await queued()).toEqual([2]);
    for (const envelope of await transport.all()) await transport.ack(envelope);
  });

  it("works through the bus, and for bulk sends", async () => {
    const messenger = createMessenger({
      transports: { outbox: `sqlite://${temp("outbox.sqlite")}?queue_name=outbox` },
      routing: { "sqlite_test.order_placed": "outbox" },
      transportFactories: [new SqliteTransportFactory()],
    });
    app.exec("BEGIN IMMEDIATE");
    await messenger.bus.dispatch(new OrderPlaced(3), [new SqliteTransactionStamp(app)]);
    await transport.sendMany(
      [4, 5].map((id) => Envelope.wrap(new OrderPlaced(id), [new SqliteTransactionStamp(app)])),
    );
    app.exec("ROLLBACK");
    expect(await queued()).toEqual([]);
    app.exec("BEGIN IMMEDIATE");
    await messenger.bus.dispatch(new OrderPlaced(6), [new SqliteTransactionStamp(app)]);
    app.exec("COMMIT");
    expect(await queued()).toEqual([6]);
    for (const envelope of await transport.all()) await transport.ack(envelope);
    await messenger.close();
  });

  it("bus.dispatchMany joins the application's transaction with one stamp for all, in order", async () => {
    const messenger = createMessenger({
      transports: { outbox: `sqlite://${temp("outbox.sqlite")}?queue_name=outbox` },
      routing: { "sqlite_test.order_placed": "outbox" },
      transportFactories: [new SqliteTransportFactory()],
    });
    for (const outcome of ["ROLLBACK", "COMMIT"]) {
      app.exec("BEGIN IMMEDIATE");
      const sent = await messenger.bus.dispatchMany(
        [11, 12, 13].map((id) => new OrderPlaced(id)),
        [new SqliteTransactionStamp(app)],
      );
      expect(sent.map((e) => (e.message as OrderPlaced).orderId)).toEqual([11, 12, 13]);
      app.exec(outcome);
    }
    expect(await queued()).toEqual([11, 12, 13]);
    for (const envelope of await transport.all()) await transport.ack(envelope);
    await messenger.close();
  });

  it("refuses a handle on another file, storing nothing", async () => {
    const other = openDatabase(temp("other.sqlite"));
    await expect(
      transport.send(Envelope.wrap(new OrderPlaced(7), [new SqliteTransactionStamp(other)])),
    ).rejects.toThrowError(/does not reach the database of transport/);
    const memory = openDatabase(":memory:");
    await expect(
      transport.send(Envelope.wrap(new OrderPlaced(8), [new SqliteTransactionStamp(memory)])),
    ).rejects.toThrowError(InvalidArgumentError);
    await expect(
      transport.sendMany([
        Envelope.wrap(new OrderPlaced(9), [new SqliteTransactionStamp(app)]),
        Envelope.wrap(new OrderPlaced(10)),
      ]),
    ).rejects.toThrowError(/the same SqliteTransactionStamp handle, or none/);
    expect(() => new SqliteTransactionStamp({} as SqliteDatabase)).toThrowError(
      /needs a better-sqlite3 Database or node:sqlite/,
    );
    expect(await queued()).toEqual([]);
    other.close();
    memory.close();
  });

  it("creates the table inside the transaction on a first send, without waiting for its own lock", async () => {
    const fresh = new SqliteTransport({ path: temp("fresh.sqlite") });
    const own = openDatabase(temp("fresh.sqlite"));
    for (const outcome of ["ROLLBACK", "COMMIT"]) {
      own.exec("BEGIN IMMEDIATE");
      const started = Date.now();
      await fresh.send(Envelope.wrap(new OrderPlaced(1), [new SqliteTransactionStamp(own)]));
      // No wait for a lock this very transaction holds.
      expect(Date.now() - started).toBeLessThan(1_000);
      own.exec(outcome);
    }
    expect((await fresh.all()).map((e) => e.message)).toEqual([new OrderPlaced(1)]);
    own.close();
    await fresh.close();
  });
});
