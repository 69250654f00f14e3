import { afterAll, describe, it } from "vitest";
import { deleteKeys, prefixFor, redisClient, redisUp } from "./support/services.js";
import { expectEachRunOnceAcrossThreeWorkers } from "./support/three-workers.js";

const prefix = prefixFor("multi");
const redis = redisUp ? redisClient() : undefined;

afterAll(async () => {
  if (redis) {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  }
});

describe.skipIf(!redisUp)("three worker processes, one schedule, a Redis lock and checkpoint", () => {
  it("emit each every-second run exactly once", { timeout: 45_000 }, async () => {
    await expectEachRunOnceAcrossThreeWorkers("redis", prefix, async () => {
      // A list, not a set: a duplicate must show up as a second entry.
      const entries = await redis!.lrange(`${prefix}runs`, 0, -1);
      return entries.map((entry) => {
        const [at, pid] = entry.split(":").map(Number);
        return { at: at!, pid: pid! };
      });
    });
  });
});
