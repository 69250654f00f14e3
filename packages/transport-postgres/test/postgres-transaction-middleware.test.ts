import {
  createMessenger,
  defineHandler,
  HandledStamp,
  HandlerFailedError,
  type Messenger,
  TransportError,
} from "@messenger-ts/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  currentPostgresClient,
  PostgresTransactionMiddleware,
  type PostgresTransport,
  PostgresTransportFactory,
} from "../src/index.js";
import {
  adminPool,
  dropSchema,
  dsn,
  FollowUp,
  factoryContext,
  Job,
  pgUp,
  schemaFor,
} from "./support/postgres.js";

const schema = schemaFor("txmw");
const admin = adminPool();
const FAIL = 13;
let messenger: Messenger | undefined;

/** Job handlers: one writes and dispatches a FollowUp (routed to PostgreSQL), one fails for job 13. */
function build(withMiddleware: boolean): Messenger {
  let transport: PostgresTransport | undefined;
  messenger = createMessenger({
    buses: {
      "messenger.bus.default": {
        middleware: withMiddleware ? [new PostgresTransactionMiddleware(() => transport!)] : [],
      },
    },
    transports: { async: dsn({ schema }) },
    transportFactories: [new PostgresTransportFactory()],
    routing: { "pg_test.follow_up": "async" },
    handlers: [
      defineHandler(Job, async function writeAndFollowUp(job: Job) {
        const client = currentPostgresClient() ?? admin;
        await client.query(`INSERT INTO "${schema}".orders (id) VALUES ($1)`, [job.n]);
        await messenger!.bus.dispatch(new FollowUp(job.n));
      }),
      defineHandler(Job, function failOnThirteen(job: Job) {
        if (job.n === FAIL) throw new Error("thirteen");
      }),
    ],
  });
  transport = messenger.getTransport("async") as PostgresTransport;
  return messenger;
}

const orders = async () =>
  (await admin.query(`SELECT id FROM "${schema}".orders ORDER BY id`)).rows.map((r) => r.id);
const followUps = async () =>
  (
    await admin.query(
      `SELECT body FROM "${schema}".messenger_messages WHERE queue_name = 'default' ORDER BY id`,
    )
  ).rows.map((r) => JSON.parse(r.body).n);

beforeAll(async () => {
  if (!pgUp) return;
  await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await admin.query(`CREATE TABLE "${schema}".orders (id int PRIMARY KEY)`);
});

afterEach(async () => {
  await messenger?.close();
  if (pgUp) {
    await admin.query(`TRUNCATE "${schema}".orders`);
    await admin.query(`DELETE FROM "${schema}".messenger_messages`).catch(() => undefined);
  }
});

afterAll(async () => {
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

describe.skipIf(!pgUp)("PostgresTransactionMiddleware", () => {
  it("commits the handlers' writes and the messages they dispatch together", async () => {
    const bus = build(true).bus;
    await bus.dispatch(new Job(1));
    expect(await orders()).toEqual([1]);
    expect(await followUps()).toEqual([1]);
    expect(currentPostgresClient(), "no transaction outside the middleware").toBeUndefined();
  });

  it("rolls both back when a handler fails, and drops the handled stamps for the retry", async () => {
    const bus = build(true).bus;
    const error = await bus.dispatch(new Job(FAIL)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerFailedError);
    expect((error as HandlerFailedError).envelope.all(HandledStamp)).toEqual([]);
    expect([...(error as HandlerFailedError).errorsByHandler.keys()]).toEqual(["failOnThirteen"]);
    expect(await orders()).toEqual([]);
    expect(await followUps()).toEqual([]);
  });

  it("(control) without it, the first handler's write, message and handled stamp survive the failure", async () => {
    const bus = build(false).bus;
    const error = (await bus.dispatch(new Job(FAIL)).catch((e: unknown) => e)) as HandlerFailedError;
    expect(error.envelope.all(HandledStamp).map((s) => s.handlerName)).toEqual(["writeAndFollowUp"]);
    expect(await orders()).toEqual([FAIL]);
    expect(await followUps()).toEqual([FAIL]);
  });

  it("runs a nested dispatch that fails in a savepoint: the outer transaction goes on", async () => {
    let transport: PostgresTransport | undefined;
    messenger = createMessenger({
      buses: {
        "messenger.bus.default": { middleware: [new PostgresTransactionMiddleware(() => transport!)] },
      },
      transports: { async: dsn({ schema }) },
      transportFactories: [new PostgresTransportFactory()],
      handlers: [
        defineHandler(Job, async function outer(job: Job) {
          await currentPostgresClient()!.query(`INSERT INTO "${schema}".orders (id) VALUES ($1)`, [job.n]);
          await messenger!.bus.dispatch(new FollowUp(job.n)).catch(() => undefined);
        }),
        defineHandler(FollowUp, async function inner(followUp: FollowUp) {
          await currentPostgresClient()!.query(`INSERT INTO "${schema}".orders (id) VALUES ($1)`, [
            followUp.n + 1,
          ]);
          throw new Error("inner fails");
        }),
      ],
    });
    transport = messenger.getTransport("async") as PostgresTransport;
    await messenger.bus.dispatch(new Job(5));
    expect(await orders()).toEqual([5]);
  });

  it("takes in a handler's dispatchMany: its messages commit or roll back with the handler's transaction", async () => {
    let transport: PostgresTransport | undefined;
    messenger = createMessenger({
      buses: {
        "messenger.bus.default": { middleware: [new PostgresTransactionMiddleware(() => transport!)] },
      },
      transports: { async: dsn({ schema }) },
      transportFactories: [new PostgresTransportFactory()],
      routing: { "pg_test.follow_up": "async" },
      handlers: [
        defineHandler(Job, async function writeAndFollowUps(job: Job) {
          await currentPostgresClient()!.query(`INSERT INTO "${schema}".orders (id) VALUES ($1)`, [job.n]);
          await messenger!.bus.dispatchMany([0, 100, 200].map((k) => new FollowUp(job.n + k)));
          if (job.n === FAIL) throw new Error("thirteen");
        }),
      ],
    });
    transport = messenger.getTransport("async") as PostgresTransport;
    await messenger.bus.dispatch(new Job(1));
    expect(await messenger.bus.dispatch(new Job(FAIL)).catch((e: unknown) => e)).toBeInstanceOf(
      HandlerFailedError,
    );
    expect(await orders()).toEqual([1]);
    expect(await followUps()).toEqual([1, 101, 201]);
  });

  it("reports a pool it cannot connect to as a TransportError", async () => {
    const unreachable = new PostgresTransportFactory().createTransport(
      "postgres://app:s3cret@127.0.0.1:1/app",
      {},
      factoryContext(),
    );
    messenger = createMessenger({
      buses: { "messenger.bus.default": { middleware: [new PostgresTransactionMiddleware(unreachable)] } },
      handlers: [defineHandler(Job, function noop() {})],
    });
    const error = await messenger.bus.dispatch(new Job(1)).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).not.toContain("s3cret");
    await unreachable.close();
  });
});
