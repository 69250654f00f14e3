import { createMessenger, defineHandler, HandlerFailedError } from "@messenger-ts/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  currentPostgresClient,
  PostgresTransactionMiddleware,
  type PostgresTransport,
  PostgresTransportFactory,
} from "../src/index.js";
import { adminPool, dropSchema, dsn, Job, pgUp, schemaFor } from "./support/postgres.js";

const schema = schemaFor("reconnect");
const admin = adminPool();

afterAll(async () => {
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

describe.skipIf(!pgUp)("after its database connection is killed", () => {
  it("a transaction whose connection is killed while its handler runs fails that message, not the process", async () => {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
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
