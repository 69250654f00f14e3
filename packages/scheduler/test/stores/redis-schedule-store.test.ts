import { afterAll, describe, expect, it } from "vitest";
import { RedisScheduleStore } from "../../src/index.js";
import { deleteKeys, prefixFor, redisClient, redisUp, sleep } from "../support/services.js";
import { describeScheduleStoreContract } from "./store-contract.js";

const prefix = prefixFor("store");
const redis = redisUp ? redisClient() : undefined;
let namespaces = 0;

afterAll(async () => {
  if (redis) {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
});

describeScheduleStoreContract(
  "RedisScheduleStore",
  () => {
    const own = `${prefix}${namespaces++}:`;
    return { create: () => new RedisScheduleStore(redis!, { prefix: own }), wait: sleep };
  },
  !redisUp,
);

describe.skipIf(!redisUp)("RedisScheduleStore", () => {
  it("keeps its keys under the prefix, the lock with an expiry and the checkpoint without", async () => {
    const own = `${prefix}keys:`;
    const store = new RedisScheduleStore(redis!, { prefix: own });
    await store.acquire("schedule:default", "me", 5_000);
    await store.save("schedule:default", { time: 2, index: 0, from: 1 });
    expect((await redis!.keys(`${own}*`)).sort()).toEqual([
      `${own}checkpoint:schedule:default`,
      `${own}lock:schedule:default`,
    ]);
    expect(await redis!.pttl(`${own}lock:schedule:default`)).toBeGreaterThan(4_000);
    expect(await redis!.pttl(`${own}checkpoint:schedule:default`)).toBe(-1);
  });
});
