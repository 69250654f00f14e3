import {
  createMessenger,
  createWorker,
  defineHandler,
  ErrorDetailsStamp,
  RedeliveryStamp,
  TransportMessageIdStamp,
  UndecodableMessage,
  WorkerMessageHandledEvent,
} from "@messenger-ts/core";
import { afterAll, describe, expect, it } from "vitest";
import { type RedisTransport, RedisTransportFactory } from "../src/index.js";
import { adminClient, deleteKeys, dsn, eventually, Job, prefixFor, redisUp } from "./support/redis.js";

const prefix = prefixFor("failure");
const admin = adminClient();

afterAll(async () => {
  if (redisUp) await deleteKeys(admin, prefix);
  admin.disconnect();
});

describe.skipIf(!redisUp)("a Redis stream as the failure transport", () => {
  it("receives retried-out and undecodable messages; they can be listed, found and retried", {
    timeout: 20_000,
  }, async () => {
    let broken = true;
    const handled: number[] = [];
    const attempts = new Map<number, number>();
    const messenger = createMessenger({
      transports: {
        async: {
          dsn: dsn("async", { prefix }),
          // One retry after 100 ms: the retry copy waits in the delayed set, then moves to the stream.
          retryStrategy: { maxRetries: 1, delay: 100, multiplier: 1, jitter: 0 },
          failureTransport: "failed",
        },
        failed: dsn("failed", { prefix }),
      },
      transportFactories: [new RedisTransportFactory()],
      routing: { "redis_test.job": "async" },
      handlers: [
        defineHandler(
          Job,
          (job: Job) => {
            attempts.set(job.n, (attempts.get(job.n) ?? 0) + 1);
            if (broken && job.n === 1) throw new Error("the mail server said no");
            handled.push(job.n);
          },
          { name: "record" },
        ),
      ],
    });
    const async = messenger.getTransport("async") as RedisTransport;
    const failed = messenger.getTransport("failed") as RedisTransport;
    const garbage = '{"n": 3, oops';
    await admin.xadd(
      async.stream,
      "*",
      "message",
      JSON.stringify({
        body: garbage,
        headers: { type: "redis_test.job", "Content-Type": "application/json" },
      }),
    );
    await messenger.bus.dispatch(new Job(1));
    await messenger.bus.dispatch(new Job(2));

    const worker = createWorker(messenger, { receivers: ["async"] });
    const running = worker.run();
    expect(await eventually(async () => (await failed.getMessageCount()) === 2, 10_000)).toBe(true);
    worker.stop();
    await running;
    expect(attempts.get(1), "tried, then retried once").toBe(2);
    expect(handled).toEqual([2]);
    expect(await async.getMessageCount()).toBe(0);

    // messenger:failed:show
    const parked = await failed.all();
    expect(parked).toHaveLength(2);
    const undecodable = parked.find((e) => e.message instanceof UndecodableMessage)!;
    expect((undecodable.message as UndecodableMessage).body).toBe(garbage);
    const job = parked.find((e) => e.message instanceof Job)!;
    expect(job.last(ErrorDetailsStamp)?.errorMessage).toMatch(/the mail server said no/);
    expect(job.last(RedeliveryStamp)).toBeDefined();
    const id = String(job.last(TransportMessageIdStamp)!.id);
    expect((await failed.find(id))?.message).toEqual(new Job(1));

    // messenger:failed:remove for the undecodable one, messenger:failed:retry (consume "failed") for the job.
    await failed.reject(undecodable);
    broken = false;
    const retrying = createWorker(messenger, { receivers: ["failed"] });
    messenger.events.on(WorkerMessageHandledEvent, () => retrying.stop());
    await retrying.run();
    expect(handled).toEqual([2, 1]);
    expect(await failed.all()).toEqual([]);
    expect(await failed.getMessageCount()).toBe(0);
    await messenger.close();
  });
});
