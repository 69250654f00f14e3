import {
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  type Logger,
  TransportError,
} from "@messenger-ts/core";
import { afterAll, describe, expect, it } from "vitest";
import { RedisTransportFactory } from "../src/index.js";
import { ChildWorker } from "./support/child-worker.js";
import {
  adminClient,
  createTransport,
  deleteKeys,
  eventually,
  Job,
  prefixFor,
  redisUp,
} from "./support/redis.js";
import { canStartServers, freePort, RedisServers } from "./support/redis-servers.js";

const prefix = prefixFor("reconnect");
const admin = adminClient();
const workers: ChildWorker[] = [];
const servers = canStartServers ? new RedisServers() : undefined;
if (!canStartServers)
  console.warn("\n!!! redis-server is not installed: SKIPPING the Redis restart test. !!!\n");

afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  servers?.stop();
  if (redisUp) await deleteKeys(admin, prefix);
  admin.disconnect();
});

/** Kills every connection of process `pid`'s transports (command and blocking ones); returns how many. */
async function killConnectionsOf(pid: number): Promise<number> {
  const list = (await admin.client("LIST")) as string;
  const ids = list
    .split("\n")
    .filter((line) => new RegExp(` name=messenger-ts:\\S+-${pid}(:| )`).test(line))
    .map((line) => /^id=(\d+)/.exec(line)![1]!);
  for (const id of ids) await admin.client("KILL", "ID", id).catch(() => undefined);
  return ids.length;
}

describe.skipIf(!redisUp)("a worker whose connections are killed mid-run (CLIENT KILL)", () => {
  it("reconnects and loses nothing", { timeout: 60_000 }, async () => {
    const worker = new ChildWorker("drain", prefix, 8);
    workers.push(worker);
    await worker.waitFor(/^ready$/, 20_000);
    const sender = createTransport("jobs", { prefix });
    const total = 6_000;
    let kills = 0;
    let killed = 0;
    const killing = (async () => {
      while ((await admin.llen(`${prefix}results`)) < total && kills < 200) {
        killed += await killConnectionsOf(worker.pid);
        kills++;
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    for (let from = 0; from < total; from += 200) {
      await sender.sendMany(Array.from({ length: 200 }, (_, i) => Envelope.wrap(new Job(from + i))));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const drained = await eventually(async () => (await admin.llen(`${prefix}results`)) >= total, 40_000);
    await killing;
    expect(drained, `handled ${await admin.llen(`${prefix}results`)} of ${total}`).toBe(true);
    expect(killed, "connections were killed while it worked").toBeGreaterThan(10);
    expect(
      await eventually(async () => (await sender.getMessageCount()) === 0, 10_000),
      "every message acked in the end",
    ).toBe(true);
    const handled = (await admin.lrange(`${prefix}results`, 0, -1)).map((e) => Number(e.split(":")[0]));
    const distinct = new Set(handled);
    expect(distinct.size, "nothing lost").toBe(total);
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    await sender.close();
    console.info(
      `[reconnect] ${total} messages, ${killed} connections killed in ${kills} rounds: ` +
        `${distinct.size} handled, ${handled.length - distinct.size} handled twice`,
    );
  });
});

describe.skipIf(!redisUp || !servers)("a Redis restart (no persistence)", () => {
  it("fails producers fast while Redis is down; the worker reconnects and goes on", {
    timeout: 60_000,
  }, async () => {
    const port = await freePort();
    let server = await servers!.start(port);
    const errors: unknown[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (context) => void errors.push(context.error),
    };
    const handled = new Set<number>();
    const messenger = createMessenger({
      transports: { jobs: `redis://127.0.0.1:${port}/jobs?prefix=${prefix}` },
      transportFactories: [new RedisTransportFactory()],
      routing: { "redis_test.job": "jobs" },
      handlers: [defineHandler(Job, (job: Job) => void handled.add(job.n), { name: "record" })],
      logger,
    });
    // A long sleep: after the restart the message must come through the blocking wait, not a poll.
    const worker = createWorker(messenger, { receivers: ["jobs"], sleep: 10_000 });
    const running = worker.run();
    await messenger.bus.dispatch(new Job(1));
    expect(await eventually(() => handled.has(1), 5_000)).toBe(true);

    server.kill("SIGKILL");
    await new Promise((resolve) => server.once("exit", resolve));
    const failedAt = Date.now();
    const error = await messenger.bus.dispatch(new Job(2)).catch((e: unknown) => e);
    const failedAfterMs = Date.now() - failedAt;
    expect(error, "a producer gets an error, not a hang").toBeInstanceOf(Error);
    expect(JSON.stringify(String(error))).toMatch(/Redis is unreachable|could not send/);
    expect(failedAfterMs).toBeLessThan(5_000);

    server = await servers!.start(port);
    const restartedAt = Date.now();
    // The producer's connection comes back on its own; sends work again within its backoff (≤ 1 s).
    expect(
      await eventually(
        () =>
          messenger.bus.dispatch(new Job(3)).then(
            () => true,
            () => false,
          ),
        5_000,
        100,
      ),
    ).toBe(true);
    // The worker's group was lost with the data: auto-setup recreates it, and the idle worker,
    // blocked again on the new server, wakes for the message.
    expect(await eventually(() => handled.has(3), 5_000), "handled after the restart").toBe(true);
    const recoveredMs = Date.now() - restartedAt;
    for (const logged of errors) expect(logged).toBeInstanceOf(TransportError);
    worker.stop();
    await running;
    await messenger.close();
    console.info(
      `[restart] send failed after ${failedAfterMs} ms while Redis was down; a message sent after the restart was handled ${recoveredMs} ms after it`,
    );
  });
});
