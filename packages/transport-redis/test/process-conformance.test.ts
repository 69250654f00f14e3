import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  describeProcessConformance,
  describeWorkerControlsConformance,
  freePort,
  type ProcessConformanceQueues,
} from "@messenger-ts/core/testing";
import { Redis } from "ioredis";
import { afterAll, describe } from "vitest";
import { MAX_FETCH_BATCH } from "../src/redis-options.js";
import { adminClient, deleteKeys, REDIS, redisUp } from "./support/redis.js";
import { canStartServers, RedisServers } from "./support/redis-servers.js";

const admin = adminClient();
const servers = canStartServers ? new RedisServers() : undefined;
if (!canStartServers)
  console.warn("\n!!! redis-server is not installed: SKIPPING the Redis restart tests. !!!\n");
const privateClients: Redis[] = [];

afterAll(async () => {
  for (const client of privateClients) client.disconnect();
  servers?.stop();
  admin.disconnect();
});

interface PrefixQueues extends ProcessConformanceQueues {
  readonly prefix: string;
}

/** The queues of one test: streams under a key prefix of their own on the server `redis` reaches. */
function queuesOn(redis: Redis, server: { host: string; port: number }, test: string): PrefixQueues {
  const prefix = `mt-test:process-${test}:${process.pid}:`;
  return {
    prefix,
    // A short sweep for abandoned entries, so that the redelivery timeout is what the tests see.
    dsn: (queue, options = {}) =>
      `redis://${server.host}:${server.port}/${queue}?prefix=${encodeURIComponent(prefix)}` +
      (options.redeliveryTimeout
        ? `&redeliver_timeout=${options.redeliveryTimeout / 1000}&claim_interval=200`
        : "") +
      (options.deliveryLimit ? `&delivery_limit=${options.deliveryLimit}` : ""),
    async injectRaw(queue, body, headers) {
      await redis.xadd(`${prefix}${queue}`, "*", "message", JSON.stringify({ body, headers }));
    },
    async storedBodies(queue) {
      const entries = await redis.xrange(`${prefix}${queue}`, "-", "+");
      const delayed = await redis.hvals(`${prefix}${queue}:delayed:messages`);
      const stored = [...entries.map(([, fields]) => fields[fields.indexOf("message") + 1]!), ...delayed];
      return stored.map((message) => (JSON.parse(message) as { body: string }).body);
    },
    cleanup: async () => void (await deleteKeys(redis, prefix)),
  };
}

/** Kills every connection of process `pid`'s transports (command and blocking ones); returns how many. */
async function killConnectionsOf(redis: Redis, pid: number): Promise<number> {
  const list = (await redis.client("LIST")) as string;
  const ids = list
    .split("\n")
    .filter((line) => new RegExp(` name=messenger-ts:\\S+-${pid}(:| )`).test(line))
    .map((line) => /^id=(\d+)/.exec(line)![1]!);
  for (const id of ids) await redis.client("KILL", "ID", id).catch(() => undefined);
  return ids.length;
}

/**
 * A private redis-server on a spare port (never the shared one), started on first use, with an
 * append-only file in a directory of its own: a restart keeps every acknowledged write, so the
 * suite's restart in the middle of a run can count what was lost.
 */
function privateBackend() {
  let port: number | undefined;
  let server: ChildProcess | undefined;
  const dir = mkdtempSync(join(servers!.dir, "aof-"));
  const start = (at: number) => servers!.start(at, ["--appendonly", "yes", "--dir", dir]);
  return {
    keepsData: true,
    async queues(test: string) {
      port ??= await freePort();
      server ??= await start(port);
      const client = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1 });
      client.on("error", () => undefined); // refused connections while the suite has the server down
      privateClients.push(client);
      return queuesOn(client, { host: "127.0.0.1", port }, test);
    },
    async stop() {
      const stopping = server!;
      server = undefined;
      stopping.kill("SIGKILL");
      await new Promise((resolve) => stopping.once("exit", resolve));
    },
    async start() {
      server = await start(port!);
    },
    unreachable: /Redis is unreachable|could not send/,
  };
}

describe.skipIf(!redisUp)("Redis", () => {
  describeProcessConformance<PrefixQueues>(
    "redis",
    {
      factory: {
        module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
        exportName: "RedisTransportFactory",
      },
      queues: async (test) => queuesOn(admin, REDIS, test),
      killConnections: (_queues, pid) => killConnectionsOf(admin, pid),
      restartable: servers ? privateBackend() : undefined,
    },
    // A worker holds a fetched batch and its handlers, and the acknowledgements of the batch before
    // may still be on their way (a fast worker fetches while they are written): a restart can run
    // all of them again.
    // Under kills a worker on a quiet machine drains 6,000 in well under a second, too few rounds of
    // kills to mean much: twice as many keep it killing for longer.
    {
      messages: 20_000,
      messagesUnderKills: 12_000,
      heldPerWorker: (concurrency) => 2 * MAX_FETCH_BATCH + concurrency,
    },
  );
  // Pause state and shared limits under three worker processes, under a key prefix of its own.
  describeWorkerControlsConformance("redis", {
    factory: {
      module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
      exportName: "RedisTransportFactory",
    },
    queues: async (test) => queuesOn(admin, REDIS, test),
  });
});
