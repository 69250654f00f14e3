import {
  createMessenger,
  createWorker,
  DeliveryLimitExceededStamp,
  defineHandler,
  ErrorDetailsStamp,
} from "@messenger-ts/core";
import { expect, it } from "vitest";
import { SqliteTransport, SqliteTransportFactory } from "../src/index.js";
import { raw } from "./support/drivers.js";
import { Job } from "./support/messages.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();

it("a message whose worker died more often than delivery_limit reaches the failure transport, its handler not called", async () => {
  const file = temp("poison.sqlite");
  const handled: number[] = [];
  const messenger = createMessenger({
    transports: {
      async: `sqlite://${file}?queue_name=async&delivery_limit=1`,
      failed: `sqlite://${file}?queue_name=failed`,
    },
    failureTransport: "failed",
    routing: { "sqlite_test.job": "async" },
    handlers: [
      defineHandler(Job, async function recordJob(job: Job) {
        handled.push(job.n);
      }),
    ],
    transportFactories: [new SqliteTransportFactory()],
  });
  const async = messenger.getTransport("async") as SqliteTransport;
  const failed = messenger.getTransport("failed") as SqliteTransport;
  await messenger.bus.dispatch(new Job(1));

  // A worker claims it and dies in the handler: nothing acks, the claim is left to expire.
  const [first] = await async.get();
  expect(first!.has(DeliveryLimitExceededStamp)).toBe(false);
  raw(async.database).exec("UPDATE messenger_messages SET delivered_at = delivered_at - 3600000");

  await createWorker(messenger, { receivers: ["async"], limit: 1 }).run();

  expect(handled, "the second delivery is past the limit of 1: no handler runs").toEqual([]);
  expect(await async.all()).toEqual([]);
  const [parked, ...more] = await failed.all();
  expect(more).toEqual([]);
  expect(parked!.message).toEqual(new Job(1));
  expect(parked!.last(ErrorDetailsStamp)?.errorCode).toBe("DELIVERY_LIMIT_EXCEEDED");
  expect(parked!.last(ErrorDetailsStamp)?.errorMessage).toMatch(/delivered 2 times .*delivery limit 1/);
  // The stamp is never stored: retried from the failure transport, the message counts afresh.
  expect(parked!.has(DeliveryLimitExceededStamp)).toBe(false);
  await messenger.close();
});
