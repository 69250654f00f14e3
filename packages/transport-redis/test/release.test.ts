import { createMessenger, createWorker, defineHandler, Envelope } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { type RedisTransport, RedisTransportFactory } from "../src/index.js";
import { deliveryCounts, factoryContext, Job, receive, redisUp } from "./support/redis.js";
import { redisTestFile } from "./support/redis-test-file.js";

const redis = redisTestFile("release");
const { admin } = redis;

/**
 * Two consumers of a fresh stream. An hour's redelivery timeout and the default sweep interval:
 * whatever the second one gets at once, it can only have got through release.
 */
function pair(): [RedisTransport, RedisTransport] {
  const stream = redis.stream();
  const options = { redeliver_timeout: 3600 };
  const stopping = redis.transport(stream, options, factoryContext("stopping"));
  const other = redis.transport(stream, options, factoryContext("other"));
  return [stopping, other];
}

const numbers = (envelopes: readonly Envelope[]) => envelopes.map((e) => (e.message as Job).n);

/** Warms a transport up so its fetches take full batches (fast acks), then fetches a batch of `count`. */
async function fetchBatch(transport: RedisTransport, count: number): Promise<Envelope[]> {
  await transport.sendMany([-1, -2, -3].map((n) => Envelope.wrap(new Job(n))));
  for (let i = 0; i < 3; i++) for (const envelope of await transport.get()) await transport.ack(envelope);
  await transport.sendMany(Array.from({ length: count }, (_, n) => Envelope.wrap(new Job(n))));
  return [...(await transport.get())];
}

describe.skipIf(!redisUp)("Redis release: a stopping worker hands back what it holds", () => {
  it("another consumer gets a released batch at once, not after the redelivery timeout", async () => {
    const [stopping, other] = pair();
    const batch = await fetchBatch(stopping, 8);
    expect(batch.length).toBeGreaterThan(1);
    expect(await other.get(), "held: not handed out twice").toEqual([]);
    await stopping.release(batch);
    const taken = await receive(other, batch.length, 3);
    expect(numbers(taken).sort()).toEqual(numbers(batch).sort());
    expect(await deliveryCounts(admin, other), "the release took its delivery back").toEqual(
      batch.map(() => 1),
    );
    for (const envelope of taken) await other.ack(envelope);
    expect(await other.getMessageCount()).toBe(8 - batch.length);
  });

  it("a worker stopped by --limit with a batch in hand hands back what it did not start", async () => {
    const stream = redis.stream();
    const handled: number[] = [];
    const messenger = createMessenger({
      transports: { async: redis.dsn(stream, { redeliver_timeout: 3600 }) },
      routing: { "redis_test.job": "async" },
      handlers: [defineHandler(Job, (job: Job) => void handled.push(job.n), { name: "record" })],
      transportFactories: [new RedisTransportFactory()],
    });
    const other = redis.transport(stream, { redeliver_timeout: 3600 }, factoryContext("other"));
    try {
      // Warm-up: fast acks let the worker's fetches grow to full batches.
      await (messenger.getTransport("async") as RedisTransport).sendMany(
        [-1, -2, -3].map((n) => Envelope.wrap(new Job(n))),
      );
      await createWorker(messenger, { receivers: ["async"], limit: 3 }).run();
      await (messenger.getTransport("async") as RedisTransport).sendMany(
        Array.from({ length: 10 }, (_, n) => Envelope.wrap(new Job(n))),
      );
      await createWorker(messenger, { receivers: ["async"], limit: 1 }).run();
      expect(handled.filter((n) => n >= 0)).toHaveLength(1);
      const rest = numbers(await receive(other, 9, 3));
      expect([...handled.filter((n) => n >= 0), ...rest].sort((a, b) => a - b)).toEqual([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
      ]);
    } finally {
      await messenger.close();
    }
  });

  it("close() hands back what the fetch behind the last wait brought and no get() returned", async () => {
    const [stopping, other] = pair();
    expect(await stopping.get()).toEqual([]);
    expect(await other.get(), "its sweep is done: only a release can bring it anything soon").toEqual([]);
    const waiting = stopping.waitForMessages(10_000, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.send(Envelope.wrap(new Job(7)));
    await waiting;
    const [pending] = (await admin.xpending(stopping.stream, stopping.group)) as [number];
    expect(pending, "claimed for the stopping worker by the wake-up").toBe(1);
    await stopping.close();
    expect(numbers(await receive(other, 1, 3))).toEqual([7]);
  });

  it("wakes an idle worker for what it hands back", async () => {
    const [stopping, other] = pair();
    const batch = await fetchBatch(stopping, 4);
    expect(await other.get(), "its sweep is done: only a release can bring it anything soon").toEqual([]);
    const waited = other.waitForMessages(60_000, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await stopping.release(batch);
    await waited;
    expect(numbers(await receive(other, batch.length, 3)).sort()).toEqual(numbers(batch).sort());
  });

  it("leaves alone what was acknowledged, and an envelope released twice", async () => {
    const [stopping, other] = pair();
    const batch = await fetchBatch(stopping, 3);
    await stopping.ack(batch[0]!);
    await stopping.release(batch);
    await stopping.release(batch);
    const taken = await receive(other, batch.length, 3);
    expect(numbers(taken).sort()).toEqual(numbers(batch.slice(1)).sort());
    expect(await deliveryCounts(admin, other)).toEqual(taken.map(() => 1));
  });
});
