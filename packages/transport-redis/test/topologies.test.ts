import { spawnSync } from "node:child_process";
import {
  createMessenger,
  createWorker,
  DelayStamp,
  defineHandler,
  Envelope,
  PriorityStamp,
} from "@messenger-ts/core";
import { afterAll, describe, expect, it } from "vitest";
import { type RedisTransport, RedisTransportFactory } from "../src/index.js";
import { priorityStreamKey, redisKeys } from "../src/redis-options.js";
import { eventually, Job } from "./support/redis.js";
import { canStartServers, RedisServers } from "./support/redis-servers.js";

const servers = canStartServers ? new RedisServers() : undefined;
if (!canStartServers) {
  console.warn(
    "\n!!! redis-server / redis-cli are not installed: SKIPPING the Cluster and Sentinel tests. !!!\n",
  );
}

afterAll(() => servers?.stop());

/**
 * Sends 100 messages, one delayed message and one of priority 5 (a stream of its own) through
 * `dsn`, and has a worker handle them.
 */
async function roundTrip(dsn: string): Promise<{ transport: RedisTransport; handled: Set<number> }> {
  const handled = new Set<number>();
  const messenger = createMessenger({
    transports: { jobs: dsn },
    transportFactories: [new RedisTransportFactory()],
    handlers: [defineHandler(Job, (job: Job) => void handled.add(job.n), { name: "record" })],
  });
  const transport = messenger.getTransport("jobs") as RedisTransport;
  await transport.sendMany(Array.from({ length: 100 }, (_, n) => Envelope.wrap(new Job(n))));
  await transport.send(Envelope.wrap(new Job(100), [DelayStamp.delayFor(200)]));
  await transport.send(Envelope.wrap(new Job(101), [new PriorityStamp(5)]));
  const worker = createWorker(messenger, { receivers: ["jobs"], concurrency: 4 });
  const running = worker.run();
  const done = await eventually(() => handled.size === 102, 10_000);
  worker.stop();
  await running;
  expect(done, `handled ${handled.size} of 102`).toBe(true);
  expect(await transport.getMessageCount()).toBe(0);
  await messenger.close();
  return { transport, handled };
}

describe.skipIf(!canStartServers)("Redis topologies this machine can start", () => {
  it("Redis Cluster (3 masters): every key of a queue in one slot, thanks to the hash tag", {
    timeout: 30_000,
  }, async () => {
    const ports = await servers!.startCluster();
    const seeds = ports.map((port) => `127.0.0.1:${port}`).join(",");
    await roundTrip(`redis://${seeds}/{jobs}?prefix=app:`);
    const keys = redisKeys("app:", "{jobs}");
    const slotOf = (key: string) =>
      spawnSync("redis-cli", ["-p", String(ports[0]), "cluster", "keyslot", key], {
        encoding: "utf8",
      }).stdout.trim();
    const slots = [
      keys.stream,
      keys.delayed,
      keys.delayedMessages,
      keys.marker,
      keys.priorities,
      priorityStreamKey(keys.stream, 5),
    ].map(slotOf);
    expect(new Set(slots).size, `slots ${slots.join(", ")}`).toBe(1);
  });

  it("Sentinel: the master is found through the sentinel", { timeout: 30_000 }, async () => {
    const { sentinel } = await servers!.startSentinel("mymaster");
    await roundTrip(`redis://127.0.0.1:${sentinel}/jobs?sentinel_master=mymaster`);
  });
});
