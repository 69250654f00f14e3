import { requireService } from "@messenger-ts/core/testing";

/** The Redis server the example's tests use (REDIS_HOST / REDIS_PORT, else the local one). */
export const REDIS = {
  host: process.env.REDIS_HOST ?? "127.0.0.1",
  port: Number(process.env.REDIS_PORT ?? 6379),
};

/** Skips loudly locally, fails under CI=true, when Redis is down. */
export const redisUp = await requireService("Redis", REDIS);
