import {
  createMessenger,
  createWorker,
  defineHandler,
  UndecodableMessage,
  WorkerMessageHandledEvent,
} from "@messenger-ts/core";
import { afterAll, describe, expect, it } from "vitest";
import { type PostgresTransport, PostgresTransportFactory } from "../src/index.js";
import { adminPool, dropSchema, dsn, eventually, Job, pgUp, schemaFor } from "./support/postgres.js";

const schema = schemaFor("failure");
const admin = adminPool();

afterAll(async () => {
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

describe.skipIf(!pgUp)("a message that cannot be decoded", () => {
  it("ends in the failure transport (another queue of the table) with its raw body; the worker goes on", async () => {
    const handled: number[] = [];
    const messenger = createMessenger({
      transports: {
        async: dsn({ schema }),
        failed: dsn({ schema, queue_name: "failed" }),
      },
      failureTransport: "failed",
      transportFactories: [new PostgresTransportFactory()],
      handlers: [defineHandler(Job, (job: Job) => void handled.push(job.n), { name: "record" })],
      routing: { "pg_test.job": "async" },
    });
    await messenger.setup();
    const garbage = '{"n": 1, oops';
    await admin.query(
      `INSERT INTO "${schema}".messenger_messages (body, headers, queue_name) VALUES ($1, $2, 'default')`,
      [garbage, JSON.stringify({ type: "pg_test.job", "Content-Type": "application/json" })],
    );
    await messenger.bus.dispatch(new Job(2));

    const worker = createWorker(messenger, { receivers: ["async"], sleep: 50 });
    messenger.events.on(WorkerMessageHandledEvent, () => {
      if (handled.includes(2)) worker.stop();
    });
    const running = worker.run();
    expect(await eventually(() => handled.includes(2), 10_000), "the next message was handled").toBe(true);
    await running;

    const rows = await admin.query(
      `SELECT queue_name, body, headers FROM "${schema}".messenger_messages ORDER BY id`,
    );
    expect(rows.rows.map((r) => [r.queue_name, r.body])).toEqual([["failed", garbage]]);
    const headers = rows.rows[0].headers as Record<string, string>;
    expect(headers.type).toBe("pg_test.job");
    // The decoding error travels with it, for messenger:failed:show.
    expect(headers["X-Message-Stamp-MessageDecodingFailedStamp"]).toBeDefined();
    expect(JSON.parse(headers["X-Message-Stamp-ErrorDetailsStamp"]!)[0].errorMessage).toMatch(/decode/i);
    expect(headers["X-Message-Stamp-SentToFailureTransportStamp"]).toContain("async");

    const failed = messenger.getTransport("failed") as PostgresTransport;
    const [parked] = await failed.all();
    expect(parked!.message).toBeInstanceOf(UndecodableMessage);
    expect((parked!.message as UndecodableMessage).body).toBe(garbage);
    expect(handled).toEqual([2]);
    await messenger.close();
  });
});
