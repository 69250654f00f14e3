import {
  createMessenger,
  createWorker,
  defineHandler,
  ErrorDetailsStamp,
  SentToFailureTransportStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { expect, it } from "vitest";
import { type SqliteTransport, SqliteTransportFactory } from "../src/index.js";
import { Job } from "./support/messages.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();

it("sends a row that does not decode to the failure transport with its raw body, and goes on", async () => {
  const dsn = `sqlite://${temp("failure.sqlite")}`;
  const handled: number[] = [];
  const messenger = createMessenger({
    transports: { async: `${dsn}?queue_name=async`, failed: `${dsn}?queue_name=failed` },
    failureTransport: "failed",
    routing: { "sqlite_test.job": "async" },
    handlers: [defineHandler(Job, (job: Job) => void handled.push(job.n), { name: "job" })],
    transportFactories: [new SqliteTransportFactory()],
  });
  const async = messenger.getTransport("async") as SqliteTransport;
  const failed = messenger.getTransport("failed") as SqliteTransport;
  await messenger.setup();
  // What a foreign or buggy producer might leave in the table, ahead of a good message.
  const garbage = '{"n": 1, oops';
  const headers = JSON.stringify({ type: "sqlite_test.job", "Content-Type": "application/json" });
  async.database
    .prepare(
      "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) VALUES (?, ?, 'async', 0, 0)",
    )
    .run(garbage, headers);
  await messenger.bus.dispatch(new Job(2));

  await createWorker(messenger, { receivers: ["async"], limit: 2, sleep: 10 }).run();

  expect(handled, "the worker went on after the broken message").toEqual([2]);
  expect(await async.all()).toEqual([]);
  const [parked, ...more] = await failed.all();
  expect(more).toEqual([]);
  expect(parked!.message).toBeInstanceOf(UndecodableMessage);
  expect((parked!.message as UndecodableMessage).body).toBe(garbage);
  // It still does not decode, so its stamps travel as the raw headers it is stored with.
  const stored = (parked!.message as UndecodableMessage).headers;
  expect(stored.type).toBe("sqlite_test.job");
  expect(JSON.parse(stored[`X-Message-Stamp-${SentToFailureTransportStamp.stampName}`]!)).toEqual([
    { originalReceiverName: "async" },
  ]);
  expect(stored[`X-Message-Stamp-${ErrorDetailsStamp.stampName}`]).toMatch(/could not be decoded/);
  const raw = async.database.prepare("SELECT body FROM messenger_messages WHERE queue_name = 'failed'").all();
  expect(raw, "the failure transport stores the original bytes").toEqual([{ body: garbage }]);
  await messenger.close();
});
