import { fileURLToPath } from "node:url";
import { describeProcessConformance, type ProcessConformanceQueues } from "@messenger-ts/core/testing";
import { afterAll, describe } from "vitest";
import { adminPool, dropSchema, dsn, pgUp } from "./support/postgres.js";

const admin = adminPool();
afterAll(() => admin.end());

interface SchemaQueues extends ProcessConformanceQueues {
  readonly schema: string;
}

/** Missing table: nothing stored yet. */
const UNDEFINED_TABLE = "42P01";

describe.skipIf(!pgUp)("PostgreSQL", () => {
  // Each test gets a schema of its own; no restart test: the shared server is not ours to restart.
  describeProcessConformance<SchemaQueues>(
    "postgres",
    {
      factory: {
        module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
        exportName: "PostgresTransportFactory",
      },
      async queues(test) {
        const schema = `mt_process_${test}_${process.pid}`;
        await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        const table = `"${schema}".messenger_messages`;
        return {
          schema,
          dsn: (queue, options = {}) =>
            dsn({
              schema,
              queue_name: queue,
              ...(options.redeliveryTimeout ? { redeliver_timeout: options.redeliveryTimeout / 1000 } : {}),
            }),
          async injectRaw(queue, body, headers) {
            await admin.query(`INSERT INTO ${table} (body, headers, queue_name) VALUES ($1, $2, $3)`, [
              body,
              JSON.stringify(headers),
              queue,
            ]);
          },
          async storedBodies(queue) {
            try {
              const { rows } = await admin.query(
                `SELECT body FROM ${table} WHERE queue_name = $1 ORDER BY id`,
                [queue],
              );
              return rows.map((row) => row.body as string);
            } catch (error) {
              if ((error as { code?: string }).code === UNDEFINED_TABLE) return [];
              throw error;
            }
          },
          cleanup: () => dropSchema(admin, schema),
        };
      },
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
    // An acknowledgement whose connection is killed fails and is not sent again: its messages stay
    // claimed until the redelivery timeout, then are handled a second time. A short timeout keeps
    // that test's wait for every message to be acknowledged short.
    { messages: 20_000, redeliveryUnderKills: 2_000 },
  );
});
