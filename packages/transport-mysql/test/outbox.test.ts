import {
  createMessenger,
  defineHandler,
  Envelope,
  HandlerFailedError,
  type Messenger,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import type { RowDataPacket } from "mysql2/promise";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  currentMysqlConnection,
  MysqlTransactionMiddleware,
  MysqlTransactionStamp,
  type MysqlTransport,
  MysqlTransportFactory,
} from "../src/index.js";
import {
  adminPool,
  createDatabase,
  databaseFor,
  dropDatabase,
  dsn,
  FollowUp,
  Job,
  mysqlUp,
} from "./support/mysql.js";

const database = databaseFor("outbox");
const server = adminPool();
const admin = adminPool(database);
const open: Messenger[] = [];

const count = async (sql: string) => Number((await admin.query<RowDataPacket[]>(sql))[0][0]!.n);
const messages = () => count("SELECT COUNT(*) AS n FROM messenger_messages");
const orders = async () =>
  (await admin.query<RowDataPacket[]>("SELECT id FROM orders ORDER BY id"))[0].map((r) => Number(r.id));

beforeAll(async () => {
  if (!mysqlUp) return;
  await createDatabase(server, database);
  await admin.query("CREATE TABLE orders (id INT PRIMARY KEY) ENGINE=InnoDB");
});

afterEach(async () => {
  for (const messenger of open.splice(0)) await messenger.close();
  if (mysqlUp) {
    await admin.query("DELETE FROM orders");
    await admin.query("DELETE FROM messenger_messages").catch(() => undefined);
  }
});

afterAll(async () => {
  if (mysqlUp) await dropDatabase(server, database);
  await Promise.all([admin.end(), server.end()]);
});

function messenger(options: Parameters<typeof createMessenger>[0] = {}): Messenger {
  const built = createMessenger({
    transports: { async: dsn(database) },
    transportFactories: [new MysqlTransportFactory()],
    routing: { "mysql_test.job": "async", "mysql_test.follow_up": "async" },
    ...options,
  });
  open.push(built);
  return built;
}

describe.skipIf(!mysqlUp)("sending inside the caller's transaction (outbox)", () => {
  /** The application's business transaction on its own connection, dispatching through the bus. */
  async function placeOrder(id: number, outcome: "COMMIT" | "ROLLBACK", bulk = false): Promise<void> {
    const m = messenger();
    const transport = m.getTransport("async") as MysqlTransport;
    await transport.setup();
    const connection = await admin.getConnection();
    try {
      await connection.query("START TRANSACTION");
      await connection.query("INSERT INTO orders (id) VALUES (?)", [id]);
      const stamp = new MysqlTransactionStamp(connection);
      if (bulk) {
        await transport.sendMany([Envelope.wrap(new Job(id), [stamp]), Envelope.wrap(new Job(-id), [stamp])]);
      } else {
        const sent = await m.bus.dispatch(new Job(id), [stamp]);
        expect(sent.last(TransportMessageIdStamp), "sent to the transport, not handled").toBeDefined();
      }
      // Not visible to anyone else (a worker) before the commit.
      expect(await messages()).toBe(0);
      expect(await transport.get()).toEqual([]);
      await connection.query(outcome);
    } finally {
      connection.release();
    }
  }

  it("a rolled-back business transaction leaves no message behind", async () => {
    await placeOrder(1, "ROLLBACK");
    expect(await orders()).toEqual([]);
    expect(await messages()).toBe(0);
  });

  it("a committed one leaves exactly one message, which a worker then receives", async () => {
    await placeOrder(2, "COMMIT");
    expect(await orders()).toEqual([2]);
    const transport = messenger().getTransport("async") as MysqlTransport;
    const [received] = await transport.get();
    expect(received!.message).toEqual(new Job(2));
    await transport.ack(received!);
    expect(await messages()).toBe(0);
  });

  it("bulk sends join the transaction too, all or none", async () => {
    await placeOrder(3, "ROLLBACK", true);
    expect(await messages()).toBe(0);
    await placeOrder(4, "COMMIT", true);
    expect(await messages()).toBe(2);
  });
});

describe.skipIf(!mysqlUp)("MysqlTransactionMiddleware", () => {
  /** A Job handler that writes an order and dispatches a FollowUp; job 13 fails after both. */
  function handling(): Messenger {
    let transport: MysqlTransport | undefined;
    const m = messenger({
      buses: {
        "messenger.bus.default": { middleware: [new MysqlTransactionMiddleware(() => transport!)] },
      },
      routing: { "mysql_test.follow_up": "async" },
      handlers: [
        defineHandler(Job, async function writeAndFollowUp(job: Job) {
          const connection = currentMysqlConnection();
          expect(connection, "a transaction is open").toBeDefined();
          await connection!.query("INSERT INTO orders (id) VALUES (?)", [job.n]);
          await m.bus.dispatch(new FollowUp(job.n));
          if (job.n === 13) throw new Error("thirteen");
        }),
      ],
    });
    transport = m.getTransport("async") as MysqlTransport;
    return m;
  }

  it("commits the handler's writes and the messages it dispatched together", async () => {
    const m = handling();
    await (m.getTransport("async") as MysqlTransport).setup();
    await m.bus.dispatch(new Job(7));
    expect(await orders()).toEqual([7]);
    expect(await messages()).toBe(1);
  });

  it("rolls both back when the handler fails", async () => {
    const m = handling();
    await (m.getTransport("async") as MysqlTransport).setup();
    await expect(m.bus.dispatch(new Job(13))).rejects.toBeInstanceOf(HandlerFailedError);
    expect(await orders()).toEqual([]);
    expect(await messages()).toBe(0);
  });
});
