import { deleteRedisKeys, probeRedis, REDIS_URL } from "../backends.js";
import { bullmqSystem, JOB_OPTIONS, QUEUE } from "./bullmq-common.js";

const PREFIX = "bench:bullmq";

function connection() {
  const url = new URL(REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
}

/** BullMQ 6.7.0 on Redis (its native backend), keys under `bench:bullmq:`. */
export const bullmq = bullmqSystem({
  name: "bullmq",
  backend: "redis",
  settings: `bullmq 6.7.0 (Redis), prefix "${PREFIX}", attempts ${JOB_OPTIONS.attempts}, fixed backoff ${JOB_OPTIONS.backoff.delay} ms`,
  async probe() {
    try {
      await import("bullmq");
    } catch (error) {
      return `bullmq does not load: ${(error as Error).message}`;
    }
    return probeRedis();
  },
  clean: () => deleteRedisKeys(`${PREFIX}:`),
  async queue() {
    const { Queue } = await import("bullmq");
    return new Queue(QUEUE, { connection: connection(), prefix: PREFIX, defaultJobOptions: JOB_OPTIONS });
  },
  async worker(processor, concurrency) {
    const { Worker } = await import("bullmq");
    return new Worker(QUEUE, processor, { connection: connection(), prefix: PREFIX, concurrency });
  },
});
