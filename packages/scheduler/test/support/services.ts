import { requireService } from "@messenger-ts/core/testing";
import { Redis } from "ioredis";
import pg from "pg";

/** The test database, from the usual libpq variables (trust auth, as CI and the dev box run it). */
export const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

const redisUrl = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
export const REDIS = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) };

/** Skip loudly locally, fail under CI=true, when the service is down. */
export const pgUp = await requireService("PostgreSQL", { host: PG.host, port: PG.port });
export const redisUp = await requireService("Redis", REDIS);

/** One schema per test file and process: parallel files and parallel runs never meet. */
export function schemaFor(file: string): string {
  return `mt_sched_${file}_${process.pid}`;
}

/** One key prefix per test file and process. */
export function prefixFor(file: string): string {
  return `mt:sched:${file}:${process.pid}:`;
}

export function pgPool(max = 5): pg.Pool {
  return new pg.Pool({ ...PG, max, application_name: "messenger-ts-scheduler-tests" });
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export function redisClient(): Redis {
  return new Redis({ ...REDIS, lazyConnect: false, maxRetriesPerRequest: 2 });
}

/** Deletes every key under the prefix. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
