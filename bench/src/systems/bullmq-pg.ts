import { databaseUrl, isolated, probePostgres, resetDatabase, settleDatabase } from "../backends.js";
import { peerModule, peerVersion } from "../peers.js";
import { bullmqSystem, JOB_OPTIONS, load, QUEUE } from "./bullmq-common.js";

const DATABASE = isolated("bench_bullmq_pg");
const SCHEMA = "bullmq";

// `migrate: true`: the backend creates (or upgrades) its schema when it connects.
const connection = () => ({ connectionString: databaseUrl(DATABASE), schema: SCHEMA, migrate: true });

/** BullMQ (6.7.0 pinned, the newest 6.x with `--peers newest`) on its PostgreSQL backend (`createPostgresBackend`), schema `bullmq` in its own database. */
export const bullmqPg = bullmqSystem({
  name: "bullmq-pg",
  backend: "postgres",
  get settings() {
    return `bullmq ${peerVersion("bullmq")} (PostgreSQL backend), attempts ${JOB_OPTIONS.attempts}, fixed backoff ${JOB_OPTIONS.backoff.delay} ms`;
  },
  async probe() {
    try {
      const bullmq = await load();
      if (typeof bullmq.createPostgresBackend !== "function")
        return "this bullmq has no PostgreSQL backend (createPostgresBackend)";
    } catch (error) {
      return `${peerModule("bullmq")} does not load: ${(error as Error).message}`;
    }
    return probePostgres();
  },
  clean: () => resetDatabase(DATABASE),
  settle: () => settleDatabase(DATABASE),
  async queue() {
    const { Queue, createPostgresBackend } = await load();
    return new Queue(
      QUEUE,
      { connection: connection(), defaultJobOptions: JOB_OPTIONS },
      createPostgresBackend,
    ) as never;
  },
  async worker(processor, concurrency) {
    const { Worker, createPostgresBackend } = await load();
    return new Worker(
      QUEUE,
      processor,
      { connection: connection(), concurrency },
      createPostgresBackend,
    ) as never;
  },
});
