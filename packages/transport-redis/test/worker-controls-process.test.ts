import { fileURLToPath } from "node:url";
import { describeWorkerControlsConformance } from "@messenger-ts/core/testing";
import { afterAll, describe } from "vitest";
import { adminClient, deleteKeys, REDIS, redisUp } from "./support/redis.js";

const admin = adminClient();
afterAll(() => admin.disconnect());

describe.skipIf(!redisUp)("Redis", () => {
  // A key prefix of its own: the streams, the paused set, the rate buckets and the leases.
  describeWorkerControlsConformance("redis", {
    factory: {
      module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
      exportName: "RedisTransportFactory",
    },
    async queues(test) {
      const prefix = `mt-test:controls-${test}:${process.pid}:`;
      return {
        dsn: (queue) => `redis://${REDIS.host}:${REDIS.port}/${queue}?prefix=${encodeURIComponent(prefix)}`,
        cleanup: async () => void (await deleteKeys(admin, prefix)),
      };
    },
  });
});
