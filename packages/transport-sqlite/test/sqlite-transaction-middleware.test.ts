import {
  AsMessage,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  HandledStamp,
  HandlerFailedError,
  LogicError,
  type Messenger,
  ReceivedStamp,
  RedeliveryStamp,
} from "@messenger-ts/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SqliteTransactionMiddleware, SqliteTransport, SqliteTransportFactory } from "../src/index.js";
import type { SqliteDatabase } from "../src/open-sqlite-database.js";
import { openDatabase, raw } from "./support/drivers.js";
import { OrderPlaced, PlaceOrder } from "./support/messages.js";
import { useTempDir } from "./support/temp-dir.js";

/** Handled at once (not routed), from inside a PlaceOrder handler: a nested dispatch. */
@AsMessage("sqlite_test.reserve_stock")
class ReserveStock {
  constructor(readonly orderId: number) {}
}

const temp = useTempDir();

describe("SqliteTransactionMiddleware", () => {
  let messenger: Messenger;
  let commands: SqliteTransport;
  let events: SqliteTransport;
  const calls: string[] = [];
  /** What another process sees while a handler runs: only committed data. */
  let seenFromOutside: number[] | undefined;

  const db = () => raw(commands.database);
  const rows = (table: string) =>
    (db().prepare(`SELECT order_id FROM ${table} ORDER BY order_id`).all() as { order_id: number }[]).map(
      (r) => r.order_id,
    );
  const eventIds = async () => (await events.all()).map((e) => (e.message as OrderPlaced).orderId);
  const received = (message: object) => Envelope.wrap(message, [new ReceivedStamp("commands")]);

  beforeAll(async () => {
    const dsn = `sqlite://${temp("middleware.sqlite")}`;
    messenger = createMessenger({
      buses: {
        "messenger.bus.default": {
          middleware: [new SqliteTransactionMiddleware(() => messenger.getTransport("commands"))],
        },
      },
      transports: {
        commands: {
          dsn: `${dsn}?queue_name=commands`,
          retryStrategy: { maxRetries: 1, delay: 0, jitter: 0 },
        },
        events: `${dsn}?queue_name=events`,
      },
      routing: { "sqlite_test.place_order": "commands", "sqlite_test.order_placed": "events" },
      transportFactories: [new SqliteTransportFactory()],
      handlers: [
        defineHandler(PlaceOrder, async function recordOrder(message: PlaceOrder) {
          calls.push(`record ${message.orderId}`);
          db().prepare("INSERT INTO orders (order_id) VALUES (?)").run(message.orderId);
          await messenger.bus.dispatch(new OrderPlaced(message.orderId));
          try {
            await messenger.bus.dispatch(new ReserveStock(message.orderId));
          } catch {
            // Out of stock: the order stands, the reservation's own writes are undone.
          }
          const outside = raw(openDatabase(temp("middleware.sqlite")));
          seenFromOutside = (
            outside.prepare("SELECT order_id FROM orders").all() as { order_id: number }[]
          ).map((r) => r.order_id);
          outside.close();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }),
        defineHandler(PlaceOrder, async function chargeCard(message: PlaceOrder) {
          calls.push(`charge ${message.orderId}`);
          if (message.orderId === 13) throw new Error("card declined");
        }),
        defineHandler(ReserveStock, function reserveStock(message: ReserveStock) {
          db().prepare("INSERT INTO reservations (order_id) VALUES (?)").run(message.orderId);
          if (message.orderId === 7) throw new Error("out of stock");
        }),
      ],
    });
    commands = messenger.getTransport("commands") as SqliteTransport;
    events = messenger.getTransport("events") as SqliteTransport;
    await messenger.setup();
    db().exec("CREATE TABLE orders (order_id INTEGER); CREATE TABLE reservations (order_id INTEGER)");
  });

  afterAll(async () => {
    await messenger.close();
  });

  beforeEach(async () => {
    calls.length = 0;
    db().exec("DELETE FROM orders; DELETE FROM reservations");
    for (const transport of [commands, events]) for (const e of await transport.all()) await transport.ack(e);
  });

  it("commits the handlers' writes and the messages they dispatched together", async () => {
    await messenger.bus.dispatch(new PlaceOrder(1));
    await createWorker(messenger, { receivers: ["commands"], limit: 1, sleep: 10 }).run();
    expect(calls).toEqual(["record 1", "charge 1"]);
    expect(rows("orders")).toEqual([1]);
    expect(rows("reservations")).toEqual([1]);
    expect(await eventIds()).toEqual([1]);
    expect(seenFromOutside, "uncommitted while the handler ran").toEqual([]);
  });

  it("rolls both back when a handler fails, and drops the handled stamps so a retry runs every handler", async () => {
    const error = await messenger.bus
      .dispatch(received(new PlaceOrder(13)))
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HandlerFailedError);
    expect([...(error as HandlerFailedError).errorsByHandler.keys()]).toEqual(["chargeCard"]);
    expect((error as HandlerFailedError).envelope.has(HandledStamp)).toBe(false);
    expect(rows("orders")).toEqual([]);
    expect(rows("reservations")).toEqual([]);
    expect(await eventIds()).toEqual([]);

    // Through a worker: the retry copy carries no handled stamp, so recordOrder runs again.
    calls.length = 0;
    await messenger.bus.dispatch(new PlaceOrder(13));
    await createWorker(messenger, { receivers: ["commands"], limit: 1, sleep: 10 }).run();
    const [retry] = await commands.all();
    expect(retry?.last(RedeliveryStamp)?.retryCount).toBe(1);
    expect(retry?.has(HandledStamp)).toBe(false);
    await createWorker(messenger, { receivers: ["commands"], limit: 1, sleep: 10 }).run();
    expect(calls).toEqual(["record 13", "charge 13", "record 13", "charge 13"]);
    expect(rows("orders")).toEqual([]);
    expect(await eventIds()).toEqual([]);
  });

  it("nests a dispatch from a handler in a savepoint: its failure undoes only its own writes", async () => {
    await messenger.bus.dispatch(received(new PlaceOrder(7)));
    expect(rows("orders")).toEqual([7]);
    expect(rows("reservations")).toEqual([]);
    expect(await eventIds()).toEqual([7]);
  });

  it("refuses to join a transaction it did not open, and a worker does not claim inside one", async () => {
    await messenger.bus.dispatch(new PlaceOrder(2));
    db().exec("BEGIN");
    await expect(messenger.bus.dispatch(received(new PlaceOrder(3)))).rejects.toMatchObject({
      code: "TRANSACTION_ALREADY_OPEN",
    });
    expect(await commands.get()).toEqual([]);
    db().exec("ROLLBACK");
    expect(await commands.get()).toHaveLength(1);
    // Two messages handled at once on one handle: the second is refused, the first commits.
    const results = await Promise.allSettled([
      messenger.bus.dispatch(received(new PlaceOrder(4))),
      messenger.bus.dispatch(received(new PlaceOrder(5))),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(LogicError);
    expect(rows("orders")).toEqual([4]);
  });

  it("accepts a transport, a handle or a function giving either, and nothing else", async () => {
    expect(() => new SqliteTransactionMiddleware({} as SqliteDatabase)).toThrowError(LogicError);
    const odd = new SqliteTransactionMiddleware(() => ({ not: "a database" }));
    await expect(odd.handle(received(new PlaceOrder(1)), { next: () => odd })).rejects.toThrowError(
      /not an SqliteTransport or an SQLite handle/,
    );
    expect(new SqliteTransactionMiddleware(commands)).toBeInstanceOf(SqliteTransactionMiddleware);
    expect(new SqliteTransactionMiddleware(commands.database)).toBeInstanceOf(SqliteTransactionMiddleware);
  });
});
