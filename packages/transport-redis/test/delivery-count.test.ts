import {
  createMessenger,
  createWorker,
  DeliveryLimitExceededStamp,
  defineHandler,
  Envelope,
  ErrorDetailsStamp,
} from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { RedisReceivedStamp, type RedisTransport, RedisTransportFactory } from "../src/index.js";
import { ageClaims, deliveryCounts, factoryContext, Job, receive, redisUp } from "./support/redis.js";
import { redisTestFile } from "./support/redis-test-file.js";

const redis = redisTestFile("delivery-count");
const { admin, transports } = redis;

const numbers = (envelopes: readonly Envelope[]) => envelopes.map((e) => (e.message as Job).n);
const exceeded = (envelope: Envelope | undefined) => envelope?.last(DeliveryLimitExceededStamp);

describe.skipIf(!redisUp)("Redis delivery count and delivery limit", () => {
  it("counts each delivery in Redis; the one past delivery_limit comes marked for the failure transport", async () => {
    const [first, second] = transports(2, { delivery_limit: 2 });
    expect(first!.deliveryLimit).toBe(2);
    await first!.send(Envelope.wrap(new Job(1)));
    const [delivered] = await first!.get();
    expect(exceeded(delivered), "first delivery").toBeUndefined();
    // The worker died: after the redelivery timeout the entry is taken over, a second delivery.
    await ageClaims(admin, first!.stream, first!.group, first!.redeliveryTimeout + 1);
    const [again] = await second!.get();
    expect(numbers([again!])).toEqual([1]);
    expect(exceeded(again), "second delivery, within the limit").toBeUndefined();
    await ageClaims(admin, first!.stream, first!.group, first!.redeliveryTimeout + 1);
    const [third] = await first!.get();
    expect(exceeded(third)).toMatchObject({ deliveries: 3, limit: 2 });
    expect(await deliveryCounts(admin, first!)).toEqual([3]);
    await first!.reject(third!);
    expect(await first!.getMessageCount()).toBe(0);
  });

  it("a keepalive is no delivery, and listing never counts", async () => {
    const [transport] = transports(1, { delivery_limit: 1 });
    await transport!.send(Envelope.wrap(new Job(1)));
    const [held] = await transport!.get();
    for (let i = 0; i < 3; i++) await transport!.keepalive(held!);
    expect(await transport!.all()).toHaveLength(1);
    const found = await transport!.find(held!.last(RedisReceivedStamp)!.id);
    expect(found && numbers([found])).toEqual([1]);
    expect(await deliveryCounts(admin, transport!)).toEqual([1]);
    await transport!.ack(held!);
  });

  it("the default limit is 5; the delivery count survives a restart of the worker (a fixed consumer name)", async () => {
    const stream = redis.stream();
    const before = redis.transport(stream, { consumer: "fixed" }, factoryContext("before"));
    expect(before.deliveryLimit).toBe(5);
    await before.send(Envelope.wrap(new Job(1)));
    await receive(before, 1);
    // Four more crashes: each restarted worker reads its own pending entry again.
    for (let restart = 2; restart <= 6; restart++) {
      const after = redis.transport(stream, { consumer: "fixed" }, factoryContext("after"));
      const [envelope] = await after.get();
      expect(numbers([envelope!])).toEqual([1]);
      if (restart <= 5) expect(exceeded(envelope), `delivery ${restart}`).toBeUndefined();
      else expect(exceeded(envelope)).toMatchObject({ deliveries: 6, limit: 5 });
    }
  });

  it("a reply lost with the connection counts no extra delivery, for the lost entry or those in hand", async () => {
    const [transport] = transports(1, { delivery_limit: 1 });
    await transport!.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
    const [kept] = await transport!.get();
    // A fetch whose reply never arrived: the entry sits in this consumer's pending list.
    await admin.xreadgroup(
      "GROUP",
      transport!.group,
      transport!.consumer,
      "COUNT",
      1,
      "STREAMS",
      transport!.stream,
      ">",
    );
    const clients = (await admin.client("LIST")) as string;
    for (const line of clients.split("\n")) {
      if (line.includes("name=messenger-ts:") && line.includes(`-${process.pid} `)) {
        await admin.client("KILL", "ID", /id=(\d+)/.exec(line)![1]!);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [recovered] = await transport!.get();
    expect(numbers([recovered!])).toEqual([2]);
    expect(exceeded(recovered), "never reached a handler: still its first delivery").toBeUndefined();
    expect(await deliveryCounts(admin, transport!)).toEqual([1, 1]);
    await transport!.ack(kept!);
    await transport!.ack(recovered!);
  });

  it("through a real worker: a message whose worker died more often than delivery_limit reaches the failure transport, its handler not called", async () => {
    const stream = redis.stream();
    const handled: number[] = [];
    const messenger = createMessenger({
      transports: {
        async: redis.dsn(stream, { claim_interval: 0, delivery_limit: 1 }),
        failed: redis.dsn(`${stream}-failed`),
      },
      failureTransport: "failed",
      routing: { "redis_test.job": "async" },
      handlers: [defineHandler(Job, (job: Job) => void handled.push(job.n), { name: "record" })],
      transportFactories: [new RedisTransportFactory()],
    });
    try {
      const async = messenger.getTransport("async") as RedisTransport;
      const failed = messenger.getTransport("failed") as RedisTransport;
      await messenger.bus.dispatch(new Job(1));
      // A worker claims it and dies in the handler: nothing acks, the claim is left to expire.
      const [first] = await async.get();
      expect(exceeded(first)).toBeUndefined();
      await ageClaims(admin, async.stream, async.group, async.redeliveryTimeout + 1);

      await createWorker(messenger, { receivers: ["async"], limit: 1 }).run();

      expect(handled, "the second delivery is past the limit of 1: no handler runs").toEqual([]);
      expect(await async.getMessageCount()).toBe(0);
      const [parked, ...more] = await failed.all();
      expect(more).toEqual([]);
      expect(parked!.message).toEqual(new Job(1));
      expect(parked!.last(ErrorDetailsStamp)?.errorCode).toBe("DELIVERY_LIMIT_EXCEEDED");
      // The stamp is never stored: retried from the failure transport, the message counts afresh.
      expect(parked!.has(DeliveryLimitExceededStamp)).toBe(false);
    } finally {
      await messenger.close();
    }
  });

  it("rejects a delivery_limit that is not a whole number >= 1", () => {
    expect(() => transports(1, { delivery_limit: 0 })).toThrow(/delivery_limit/);
    expect(() => transports(1, { delivery_limit: "many" })).toThrow(/delivery_limit/);
  });
});
