import type PgBoss from "pg-boss";
import type * as PgBoss12 from "pg-boss-next";
import { databaseUrl, isolated, probePostgres, resetDatabase, settleDatabase } from "../backends.js";
import { importPeer, peerMajor, peerModule, peerVersion } from "../peers.js";
import {
  type Consumer,
  type ConsumerOptions,
  type Job,
  type Producer,
  RETRIES,
  type System,
} from "./system.js";

const DATABASE = isolated("bench_pg_boss");
const SCHEMA = "pgboss";
const QUEUE = "bench";
/** pg-boss waits for the polling interval after every fetch that came back short, so it needs batches to go fast. */
const BATCH_SIZE = 500;
/** The shortest pg-boss allows. */
const POLLING_INTERVAL_SECONDS = 0.5;

const connectionString = databaseUrl(DATABASE);

/** pg-boss 10 exports the class as default, 12 as `PgBoss`; their options and methods differ too. */
const isV12 = () => peerMajor("pg-boss") >= 12;

async function createBoss(options: Partial<PgBoss.ConstructorOptions>): Promise<PgBoss> {
  const { default: PgBossClass } = await importPeer<{ default: typeof PgBoss }>("pg-boss");
  const boss = new PgBossClass({ connectionString, schema: SCHEMA, ...options });
  boss.on("error", (error) => console.error(`pg-boss: ${error.message}`));
  await boss.start();
  return boss;
}

async function createBoss12(options: PgBoss12.ConstructorOptions): Promise<PgBoss12.PgBoss> {
  const { PgBoss: PgBossClass } = await importPeer<typeof PgBoss12>("pg-boss");
  const boss = new PgBossClass({ connectionString, schema: SCHEMA, ...options });
  boss.on("error", (error) => console.error(`pg-boss: ${error.message}`));
  await boss.start();
  return boss;
}

/** Jobs of the queue in one of the states before `completed` (created, retry, active), or failed. */
const COUNT_SQL = (states: string) =>
  `select count(*)::int as n from ${SCHEMA}.job where name = $1 and ${states}`;

/**
 * pg-boss 10.4.2 (pinned: the newest release that runs on Node 20): `concurrency` workers (its v10
 * way to run handlers at once: one `work()` call each), each fetching batches of 500 and polling
 * every 0.5 s; retryDelay 0 (immediate retry, picked up at the next poll).
 *
 * pg-boss 12 (`--peers newest`): one `work()` with `localConcurrency` = concurrency (its v12 way),
 * the same batches and polling, and LISTEN/NOTIFY switched on as its docs describe for low latency
 * (`useListenNotify` on the worker, `notify` on the queue); the polling interval while NOTIFY is
 * active is 0.5 s as well, so a retry (which sends no NOTIFY) waits no longer than on v10.
 */
export const pgBoss: System = {
  name: "pg-boss",
  backend: "postgres",
  peer: true,
  get settings() {
    const shared = `batchSize ${BATCH_SIZE}, pollingIntervalSeconds ${POLLING_INTERVAL_SECONDS}, retryLimit ${RETRIES}, retryDelay 0`;
    return isV12()
      ? `pg-boss ${peerVersion("pg-boss")}, work() with localConcurrency = concurrency, ${shared}, useListenNotify + queue notify, notifyPollingIntervalSeconds ${POLLING_INTERVAL_SECONDS}`
      : `pg-boss ${peerVersion("pg-boss")}, work() x concurrency, ${shared}`;
  },

  async preload() {
    await importPeer("pg-boss");
  },

  async probe() {
    try {
      await importPeer("pg-boss");
    } catch (error) {
      return `${peerModule("pg-boss")} does not load: ${(error as Error).message}`;
    }
    return probePostgres();
  },

  clean: () => resetDatabase(DATABASE),
  settle: () => settleDatabase(DATABASE),

  async openProducer(): Promise<Producer> {
    if (isV12()) return openProducer12();
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
    if (isV12()) return openConsumer12(concurrency, handle);
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

async function openProducer12(): Promise<Producer> {
  const boss = await createBoss12({ supervise: false, schedule: false });
  await boss.createQueue(QUEUE, { retryLimit: RETRIES, retryDelay: 0, notify: true });
  const db = boss.getDb();
  const count = async (states: string): Promise<number> => {
    const { rows } = await db.executeSql(COUNT_SQL(states), [QUEUE]);
    return (rows[0] as { n: number }).n;
  };
  return {
    async enqueue(job: Job) {
      await boss.send(QUEUE, job);
    },
    async enqueueBulk(jobs: readonly Job[]) {
      await boss.insert(
        QUEUE,
        jobs.map((data) => ({ data })),
      );
    },
    // getQueue()'s counts come from a cache refreshed every minute or so: count the rows instead.
    pending: () => count("state < 'completed'"),
    hasFailed: async () => (await count("state = 'failed'")) > 0,
    close: () => boss.stop({ graceful: false }),
  };
}

async function openConsumer12(concurrency: number, handle: ConsumerOptions["handle"]): Promise<Consumer> {
  const boss = await createBoss12({ useListenNotify: true });
  await boss.work<Job>(
    QUEUE,
    {
      batchSize: BATCH_SIZE,
      localConcurrency: concurrency,
      pollingIntervalSeconds: POLLING_INTERVAL_SECONDS,
      notifyPollingIntervalSeconds: POLLING_INTERVAL_SECONDS,
    },
    async (jobs) => {
      for (const job of jobs) await handle(job.data);
    },
  );
  return { stop: () => boss.stop({ graceful: true, timeout: 10_000 }) };
}
