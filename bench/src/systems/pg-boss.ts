import type PgBoss from "pg-boss";
import { databaseUrl, probePostgres, resetDatabase, settleDatabase } from "../backends.js";
import {
  type Consumer,
  type ConsumerOptions,
  type Job,
  type Producer,
  RETRIES,
  type System,
} from "./system.js";

const DATABASE = "bench_pg_boss";
const SCHEMA = "pgboss";
const QUEUE = "bench";
/** pg-boss 10 waits for the polling interval after every fetch, so it needs batches to go fast. */
const BATCH_SIZE = 500;
/** The shortest pg-boss 10 allows. */
const POLLING_INTERVAL_SECONDS = 0.5;

const connectionString = databaseUrl(DATABASE);

async function createBoss(options: Partial<PgBoss.ConstructorOptions>): Promise<PgBoss> {
  const { default: PgBossClass } = await import("pg-boss");
  const boss = new PgBossClass({ connectionString, schema: SCHEMA, ...options });
  boss.on("error", (error) => console.error(`pg-boss: ${error.message}`));
  await boss.start();
  return boss;
}

/**
 * pg-boss 10.4.2, the newest release that runs on Node 20. `concurrency` workers (its v10 way to
 * run handlers at once: one `work()` call each), each fetching batches of 500 and polling every
 * 0.5 s; retryDelay 0 (immediate retry, picked up at the next poll).
 */
export const pgBoss: System = {
  name: "pg-boss",
  backend: "postgres",
  peer: true,
  settings: `pg-boss 10.4.2, work() x concurrency, batchSize ${BATCH_SIZE}, pollingIntervalSeconds ${POLLING_INTERVAL_SECONDS}, retryLimit ${RETRIES}, retryDelay 0`,

  async probe() {
    try {
      await import("pg-boss");
    } catch (error) {
      return `pg-boss does not load: ${(error as Error).message}`;
    }
    return probePostgres();
  },

  clean: () => resetDatabase(DATABASE),
  settle: () => settleDatabase(DATABASE),

  async openProducer(): Promise<Producer> {
    // The producer needs no maintenance or cron timers; the worker runs pg-boss's defaults.
    const boss = await createBoss({ supervise: false, schedule: false });
    await boss.createQueue(QUEUE, { name: QUEUE, retryLimit: RETRIES, retryDelay: 0 });
    const db = boss.getDb();
    return {
      async enqueue(job: Job) {
        await boss.send(QUEUE, job);
      },
      async enqueueBulk(jobs: readonly Job[]) {
        await boss.insert(jobs.map((data) => ({ name: QUEUE, data })));
      },
      // created, retry and active
      pending: () => boss.getQueueSize(QUEUE, { before: "completed" }),
      async hasFailed() {
        const { rows } = await db.executeSql(
          `select count(*)::int as n from ${SCHEMA}.job where name = $1 and state = 'failed'`,
          [QUEUE],
        );
        return rows[0].n > 0;
      },
      close: () => boss.stop({ graceful: false, wait: true }),
    };
  },

  async openConsumer({ concurrency, handle }: ConsumerOptions): Promise<Consumer> {
    const boss = await createBoss({});
    for (let i = 0; i < concurrency; i++) {
      await boss.work<Job>(
        QUEUE,
        { batchSize: BATCH_SIZE, pollingIntervalSeconds: POLLING_INTERVAL_SECONDS },
        async (jobs) => {
          for (const job of jobs) await handle(job.data);
        },
      );
    }
    return { stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }) };
  },
};
