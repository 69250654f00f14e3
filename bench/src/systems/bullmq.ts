import { deleteRedisKeys, isolated, probeRedis, REDIS_URL } from "../backends.js";
import { peerModule, peerVersion } from "../peers.js";
import { bullmqSystem, JOB_OPTIONS, load, QUEUE } from "./bullmq-common.js";

const PREFIX = isolated("bench:bullmq");

function connection() {
  const url = new URL(REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
}

/** BullMQ (6.7.0 pinned, the newest 6.x with `--peers newest`) on Redis (its native backend), keys under `bench:bullmq:`. */
export const bullmq = bullmqSystem({
  name: "bullmq",
  backend: "redis",
  get settings() {
    return `bullmq ${peerVersion("bullmq")} (Redis), prefix "${PREFIX}", attempts ${JOB_OPTIONS.attempts}, fixed backoff ${JOB_OPTIONS.backoff.delay} ms`;
  },
  async probe() {
    try {
      await load();
    } catch (error) {
      return `${peerModule("bullmq")} does not load: ${(error as Error).message}`;
    }
    return probeRedis();
  },
  clean: () => deleteRedisKeys(`${PREFIX}:`),
  async queue() {
    const { Queue } = await load();
    return new Queue(QUEUE, { connection: connection(), prefix: PREFIX, defaultJobOptions: JOB_OPTIONS });
  },
  async worker(processor, concurrency) {
    const { Worker } = await load();
    return new Worker(QUEUE, processor, { connection: connection(), prefix: PREFIX, concurrency });
  },
});
