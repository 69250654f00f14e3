import { fileURLToPath } from "node:url";
import {
  describeProcessConformance,
  describeWorkerControlsConformance,
  type ProcessConformanceQueues,
} from "@messenger-ts/core/testing";
import type pg from "pg";
import { afterAll, describe } from "vitest";
import { adminPool, dropSchema, dsn, pgUp } from "./support/postgres.js";
import { privateCluster } from "./support/private-cluster.js";

const admin = adminPool();
const restartable = privateCluster((pool, url, test) => schemaQueues(pool, url, test));
afterAll(async () => {
  await admin.end();
  await restartable?.destroy();
});

interface SchemaQueues extends ProcessConformanceQueues {
  readonly schema: string;
}

/** Missing table: nothing stored yet. */
const UNDEFINED_TABLE = "42P01";

describe.skipIf(!pgUp)("PostgreSQL", () => {
  // Each test gets a schema of its own. The restart tests run on a cluster of their own: the
  // shared server is not ours to restart.
  describeProcessConformance<SchemaQueues>(
    "postgres",
    {
      factory: {
        module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
        exportName: "PostgresTransportFactory",
      },
      queues: async (test) => schemaQueues(admin, dsn(), test),
      restartable,
      // Every backend whose last statement named the test's schema (the worker's pool and its
      // LISTEN client, and the test's own sender, which sends again), but not this file's admin pool.
      async killConnections({ schema }) {
        const { rows } = await admin.query(
          `SELECT count(*)::int AS n FROM (
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE pid <> pg_backend_pid() AND datname = current_database()
               AND application_name <> 'messenger-ts-tests' AND query LIKE $1
           ) AS killed`,
          [`%${schema}%`],
        );
        return rows[0].n as number;
      },
    },
    // An acknowledgement whose connection is killed is sent again only while its claim holds; a
    // short redelivery timeout keeps the killed-connections test's wait for a lost one short.
    // A restart runs again at most the messages in handlers (the default bound): a failed
    // acknowledgement is retried while its claim holds, and the worker starts no more of its
    // batch while acknowledgements fail.
    { messages: 20_000, redeliveryUnderKills: 2_000 },
  );
  // Pause state and shared limits under three worker processes, in a schema of its own.
  describeWorkerControlsConformance("postgres", {
    factory: {
      module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
      exportName: "PostgresTransportFactory",
    },
    queues: async (test) => schemaQueues(admin, dsn(), test),
  });
});

/** The queues of one test: a schema of its own in the database `base` (a DSN) names, reached by `pool`. */
async function schemaQueues(pool: pg.Pool, base: string, test: string): Promise<SchemaQueues> {
  const schema = `mt_process_${test}_${process.pid}`;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const table = `"${schema}".messenger_messages`;
  return {
    schema,
    dsn: (queue, options = {}) => {
      const query = new URLSearchParams({
        schema,
        queue_name: queue,
        ...(options.redeliveryTimeout ? { redeliver_timeout: String(options.redeliveryTimeout / 1000) } : {}),
        ...(options.deliveryLimit ? { delivery_limit: String(options.deliveryLimit) } : {}),
      });
      return `${base}?${query}`;
    },
    async injectRaw(queue, body, headers) {
      await pool.query(`INSERT INTO ${table} (body, headers, queue_name) VALUES ($1, $2, $3)`, [
        body,
        JSON.stringify(headers),
        queue,
      ]);
    },
    async storedBodies(queue) {
      try {
        const { rows } = await pool.query(`SELECT body FROM ${table} WHERE queue_name = $1 ORDER BY id`, [
          queue,
        ]);
        return rows.map((row) => row.body as string);
      } catch (error) {
        if ((error as { code?: string }).code === UNDEFINED_TABLE) return [];
        throw error;
      }
    },
    cleanup: () => dropSchema(pool, schema),
  };
}
