import {
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  HandlerFailedError,
  type Logger,
  TransportError,
} from "@messenger-ts/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  currentPostgresClient,
  PostgresTransactionMiddleware,
  type PostgresTransport,
  PostgresTransportFactory,
} from "../src/index.js";
import {
  adminPool,
  createTransport,
  dropSchema,
  dsn,
  eventually,
  Job,
  pgUp,
  schemaFor,
} from "./support/postgres.js";

const schema = schemaFor("reconnect");
const admin = adminPool();
const SLEEP = 10_000;

afterAll(async () => {
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

/** Kills every backend whose last statement touched this file's schema: the transport's pool and its LISTEN client. */
async function terminateTransportConnections(): Promise<number> {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n FROM (
       SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE pid <> pg_backend_pid() AND datname = current_database() AND query LIKE $1
     ) AS killed`,
    [`%${schema}%`],
  );
  return rows[0].n;
}

/** Start times of the backends LISTENing on this file's channel. */
async function listeners(): Promise<Date[]> {
  const { rows } = await admin.query(
    `SELECT backend_start FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`,
    [`LISTEN "${schema}.%`],
  );
  return rows.map((r) => r.backend_start as Date);
}

describe.skipIf(!pgUp)("after its database connections are killed", () => {
  it("the worker reconnects (pool and LISTEN) and goes on handling later messages", {
    timeout: 30_000,
  }, async () => {
    const handled = new Set<number>();
    const errors: unknown[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (context) => void errors.push(context.error),
    };
    const messenger = createMessenger({
      transports: { async: dsn({ schema }) },
      transportFactories: [new PostgresTransportFactory()],
      handlers: [defineHandler(Job, (job: Job) => void handled.add(job.n), { name: "record" })],
      logger,
    });
    // A long sleep: a message must be picked up through the (re-established) LISTEN, not a poll.
    const worker = createWorker(messenger, { receivers: ["async"], sleep: SLEEP });
    const done = worker.run();
    const sender = createTransport({ schema });
    await sender.send(Envelope.wrap(new Job(1)));
    expect(await eventually(() => handled.has(1), 5_000)).toBe(true);
    expect(await eventually(async () => (await listeners()).length === 1, 5_000), "LISTENing").toBe(true);

    for (let round = 2; round <= 3; round++) {
      const killedAt = new Date();
      expect(await terminateTransportConnections(), "connections found and killed").toBeGreaterThan(0);
      // The worker wakes on the lost LISTEN connection, polls through a fresh pooled connection and
      // LISTENs again on a new one.
      expect(
        await eventually(async () => (await listeners()).some((start) => start >= killedAt), 5_000),
        "a new LISTEN connection",
      ).toBe(true);
      await sender.send(Envelope.wrap(new Job(round)));
      expect(
        await eventually(() => handled.has(round), 4_000),
        `message ${round} handled after the kill, well before the ${SLEEP} ms sleep`,
      ).toBe(true);
    }

    // Whatever failed on the way was reported as a TransportError keeping the driver's error.
    for (const error of errors) {
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).cause).toBeInstanceOf(Error);
    }
    worker.stop();
    await done;
    await Promise.all([messenger.close(), sender.close()]);
  });

  it("a transaction whose connection is killed while its handler runs fails that message, not the process", async () => {
    await admin.query(`CREATE TABLE IF NOT EXISTS "${schema}".orders (id int PRIMARY KEY)`);
    let transport: PostgresTransport | undefined;
    const messenger = createMessenger({
      buses: {
        "messenger.bus.default": { middleware: [new PostgresTransactionMiddleware(() => transport!)] },
      },
      transports: { async: dsn({ schema }) },
      transportFactories: [new PostgresTransportFactory()],
      handlers: [
        defineHandler(Job, async function write(job: Job) {
          const client = currentPostgresClient()!;
          if (job.n === 1) {
            const { rows } = await client.query("SELECT pg_backend_pid() AS pid");
            await admin.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
            // The connection breaks while no query runs on it: an 'error' event, not a rejection.
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
          await client.query(`INSERT INTO "${schema}".orders (id) VALUES ($1)`, [job.n]);
        }),
      ],
    });
    transport = messenger.getTransport("async") as PostgresTransport;
    await expect(messenger.bus.dispatch(new Job(1))).rejects.toBeInstanceOf(HandlerFailedError);
    // The broken connection was not handed back: the next message gets a working one.
    await messenger.bus.dispatch(new Job(2));
    const { rows } = await admin.query(`SELECT id FROM "${schema}".orders ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual([2]);
    await messenger.close();
  });
});
