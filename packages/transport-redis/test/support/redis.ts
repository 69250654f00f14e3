import {
  AsMessage,
  type Envelope,
  JsonSerializer,
  type Logger,
  nullLogger,
  systemClock,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
import { Redis } from "ioredis";
import { type RedisTransport, RedisTransportFactory } from "../../src/index.js";

/** The test server: REDIS_URL, or the local default. */
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const url = new URL(REDIS_URL);
export const REDIS = { host: url.hostname || "127.0.0.1", port: Number(url.port || 6379) };

/** Skips loudly locally, fails under CI=true, when Redis is down. */
export const redisUp = await requireService("Redis", REDIS);

/** One key prefix per test file and process: parallel files and parallel runs never meet. */
export function prefixFor(file: string): string {
  return `mt-test:${file}:${process.pid}:`;
}

/** A plain client for the test's own looks and manipulations (never one the transport uses). */
export function adminClient(): Redis {
  return new Redis({ ...REDIS, lazyConnect: true, maxRetriesPerRequest: 1, connectionName: "mt-test-admin" });
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

/** `redis://host:port/<stream>?prefix=…&…` */
export function dsn(stream: string, options: Record<string, string | number | boolean> = {}): string {
  const query = new URLSearchParams(
    Object.entries(options).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return `redis://${REDIS.host}:${REDIS.port}/${encodeURIComponent(stream)}${query ? `?${query}` : ""}`;
}

export function factoryContext(name = "async", logger: Logger = nullLogger): TransportFactoryContext {
  return {
    name,
    serializer: new JsonSerializer(),
    clock: systemClock,
    logger,
    bus: () => {
      throw new Error("no bus in these tests");
    },
    connections: {},
  };
}

export function createTransport(
  stream: string,
  options: Record<string, string | number | boolean>,
  context: TransportFactoryContext = factoryContext(),
): RedisTransport {
  return new RedisTransportFactory().createTransport(dsn(stream, options), {}, context);
}

/**
 * Makes every pending entry of the group look `ms` older to XAUTOCLAIM (XCLAIM to its own
 * consumer with a larger IDLE), instead of sleeping through the redelivery timeout.
 */
export async function ageClaims(redis: Redis, stream: string, group: string, ms: number): Promise<number> {
  const pending = (await redis.xpending(stream, group, "-", "+", 10_000)) as [
    string,
    string,
    number,
    number,
  ][];
  for (const [id, consumer, idle] of pending) {
    await redis.xclaim(stream, group, consumer, 0, id, "IDLE", Math.round(idle + ms), "JUSTID");
  }
  return pending.length;
}

/**
 * Lets `ms` pass for the stream's delayed messages and deduplication keys, instead of sleeping:
 * due times move back in the delayed set, and the keys' remaining ttl shrinks (gone at 0).
 */
export async function letTimePass(redis: Redis, stream: string, ms: number): Promise<void> {
  const delayed = await redis.zrange(`${stream}:delayed`, "0", "-1");
  for (const id of delayed) await redis.zincrby(`${stream}:delayed`, -ms, id);
  if (delayed.length > 0) await redis.zadd(`${stream}:marker`, "0", "next");
  for (const key of await redis.keys(`${stream}:deduplication:*`)) {
    const left = await redis.pttl(key);
    if (left > ms) await redis.pexpire(key, Math.round(left - ms));
    else await redis.del(key);
  }
}

/**
 * get() until `count` came back, or `emptyFetches` fetches found nothing: the first fetch of a new
 * consumer takes one entry, the later ones grow.
 */
export async function receive(
  transport: RedisTransport,
  count: number,
  emptyFetches = 5,
): Promise<Envelope[]> {
  const received: Envelope[] = [];
  for (let empty = 0; received.length < count && empty < emptyFetches; ) {
    const batch = await transport.get();
    if (batch.length === 0) empty++;
    received.push(...batch);
  }
  return received;
}

/** Redis's delivery count of every pending entry of the transport's group, in id order. */
export async function deliveryCounts(redis: Redis, transport: RedisTransport): Promise<number[]> {
  const pending = (await redis.xpending(transport.stream, transport.group, "-", "+", 100)) as [
    string,
    string,
    number,
    number,
  ][];
  return pending.map(([, , , count]) => count);
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}

@AsMessage("redis_test.job")
export class Job {
  constructor(readonly n: number) {}
}
