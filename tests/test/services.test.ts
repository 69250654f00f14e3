import { requireService } from "@messenger-ts/core/testing";
import { describe, expect, it } from "vitest";

// The services `npm test` promises to bring up. Under CI=true an unreachable one fails here.
const postgres = { host: process.env.PGHOST ?? "127.0.0.1", port: Number(process.env.PGPORT ?? 5432) };
const redis = { host: "127.0.0.1", port: 6379 };
const pgUp = await requireService("PostgreSQL", postgres);
const redisUp = await requireService("Redis", redis);

describe("backing services", () => {
  it.skipIf(!pgUp)("PostgreSQL answers on its port", () => {
    expect(pgUp).toBe(true);
  });

  it.skipIf(!redisUp)("Redis answers on its port", () => {
    expect(redisUp).toBe(true);
  });
});
