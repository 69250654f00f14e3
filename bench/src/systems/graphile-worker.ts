import type { Runner, WorkerUtils } from "graphile-worker";
import pg from "pg";
import { databaseUrl, isolated, probePostgres, resetDatabase, settleDatabase } from "../backends.js";
import { importPeer, peerModule, peerVersion } from "../peers.js";
import {
  type Consumer,
  type ConsumerOptions,
  type Job,
  type Producer,
  RETRIES,
  type System,
} from "./system.js";

const DATABASE = isolated("bench_graphile_worker");
const SCHEMA = "graphile_worker";
const TASK = "bench";
const LOCAL_QUEUE_SIZE = 500;

const connectionString = databaseUrl(DATABASE);

type GraphileWorker = typeof import("graphile-worker");

/** graphile-worker in the release of this run (0.17 and 0.18 share this API). */
const load = () => importPeer<GraphileWorker>("graphile-worker");

async function silentLogger() {
  const { Logger } = await load();
  return new Logger(() => () => {});
}

/**
 * graphile-worker (0.17.3 pinned, 0.18 newest) with the batching its performance page uses: a local queue of 500 jobs
 * per worker pool and complete/fail batching with delay 0. It retries with its fixed exponential
 * back-off (exp(attempt) seconds), which it does not let you shorten.
 */
export const graphileWorker: System = {
  name: "graphile-worker",
  backend: "postgres",
  peer: true,
  get settings() {
    return `graphile-worker ${peerVersion("graphile-worker")}, localQueue.size ${LOCAL_QUEUE_SIZE}, completeJobBatchDelay 0, failJobBatchDelay 0, maxAttempts ${RETRIES + 1}`;
  },

  async preload() {
    await load();
  },

  async probe() {
    try {
      await load();
    } catch (error) {
      return `${peerModule("graphile-worker")} does not load: ${(error as Error).message}`;
    }
    return probePostgres();
  },

  clean: () => resetDatabase(DATABASE),
  settle: () => settleDatabase(DATABASE),

  async openProducer(): Promise<Producer> {
    const { makeWorkerUtils } = await load();
    // Our own pool, so close() can wait until its connections are gone (release() does not).
    const pool = new pg.Pool({ connectionString });
    const report = (error: Error) => console.error(`graphile-worker producer pool: ${error.message}`);
    pool.on("error", report);
    pool.on("connect", (client) => client.on("error", report));
    const utils: WorkerUtils = await makeWorkerUtils({
      pgPool: pool,
      schema: SCHEMA,
      logger: await silentLogger(),
    });
    await utils.migrate();
    const count = async (where: string): Promise<number> =>
      utils.withPgClient(async (client) => {
        const { rows } = await client.query<{ n: number }>(
          `select count(*)::int as n from ${SCHEMA}._private_jobs where ${where}`,
        );
        return rows[0]!.n;
      });
    return {
      async enqueue(job: Job) {
        await utils.addJob(TASK, job, { maxAttempts: RETRIES + 1 });
      },
      async enqueueBulk(jobs: readonly Job[]) {
        await utils.addJobs(jobs.map((payload) => ({ identifier: TASK, payload, maxAttempts: RETRIES + 1 })));
      },
      // Completed jobs are deleted; a job keeps its row until then (attempts counts the claims).
      pending: () => count("attempts < max_attempts"),
      hasFailed: async () => (await count("attempts >= max_attempts and locked_at is null")) > 0,
      async close() {
        await utils.release();
        await pool.end();
      },
    };
  },

  async openConsumer({ concurrency, handle }: ConsumerOptions): Promise<Consumer> {
    const { run } = await load();
    const runner: Runner = await run({
      connectionString,
      schema: SCHEMA,
      concurrency,
      maxPoolSize: Math.max(10, concurrency + 2),
      noHandleSignals: true,
      logger: await silentLogger(),
      taskList: {
        [TASK]: async (payload) => {
          await handle(payload as Job);
        },
      },
      preset: {
        worker: {
          localQueue: { size: LOCAL_QUEUE_SIZE },
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
        },
      },
    });
    return { stop: () => runner.stop() };
  },
};
