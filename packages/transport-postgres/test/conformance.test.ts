import { Envelope } from "@messenger-ts/core";
import { describeTransportConformance } from "@messenger-ts/core/testing";
import { afterAll, describe } from "vitest";
import { PostgresTransportFactory } from "../src/index.js";
import {
  adminPool,
  createTransport,
  dropSchema,
  factoryContext,
  Job,
  PG,
  pgUp,
  schemaFor,
} from "./support/postgres.js";

const schema = schemaFor("conformance");
const admin = adminPool();
let tables = 0;
const producers: { close(): Promise<void> }[] = [];

afterAll(async () => {
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

describe.skipIf(!pgUp)("PostgreSQL transport", () => {
  // A table of its own per test: each one also exercises auto-setup from nothing.
  describeTransportConformance(
    "postgres, a table per test",
    async ({ deliveryLimit }) => {
      const table = `t${++tables}`;
      const transport = createTransport({
        schema,
        table_name: table,
        ...(deliveryLimit === undefined ? {} : { delivery_limit: deliveryLimit }),
      });
      const qualified = `"${schema}"."${table}"`;
      return {
        transport,
        redeliveryTimeout: transport.redeliveryTimeout,
        deliveryLimit: transport.deliveryLimit,
        // Claims age by moving delivered_at back, instead of sleeping through the 30 s default.
        redeliverAfter: async (ms) => {
          await admin.query(
            `UPDATE ${qualified} SET delivered_at = delivered_at - make_interval(secs => $1::float8 / 1000) WHERE delivered_at IS NOT NULL`,
            [ms],
          );
        },
        injectRaw: async (body, headers) => {
          await transport.setup();
          await admin.query(
            `INSERT INTO ${qualified} (body, headers, queue_name) VALUES ($1, $2, 'default')`,
            [body, JSON.stringify(headers)],
          );
        },
        // Due times and deduplication deadlines move back, as the database clock cannot be faked.
        letTimePass: async (ms) => {
          await admin.query(
            `UPDATE ${qualified} SET available_at = available_at - make_interval(secs => $1::float8 / 1000),
             deduplicate_until = deduplicate_until - make_interval(secs => $1::float8 / 1000)`,
            [ms],
          );
        },
        // Same table through a transport of its own; concurrent sends use several pooled connections.
        anotherProducer: async () => {
          const other = createTransport({ schema, table_name: table });
          producers.push(other);
          return other;
        },
        cleanup: async () => {
          await Promise.all([transport, ...producers.splice(0)].map((t) => t.close()));
        },
      };
    },
    { deduplication: true, priority: true },
  );

  // doctrine:// through a named connection, one shared table, a queue per test, and a neighbour
  // queue holding a due message all along: nothing of it may leak into the queue under test.
  let queues = 0;
  describeTransportConformance(
    "doctrine://, a queue per test in a shared table",
    async ({ deliveryLimit }) => {
      const queue = `q${++queues}`;
      const connections = { default: `postgresql://${PG.user}@${PG.host}:${PG.port}/${PG.database}` };
      const factory = new PostgresTransportFactory();
      const build = (name: string) =>
        factory.createTransport(
          `doctrine://default?queue_name=${name}&table_name=shared&redeliver_timeout=5`,
          { schema, ...(deliveryLimit === undefined ? {} : { delivery_limit: deliveryLimit }) },
          factoryContext("async", connections),
        );
      const transport = build(queue);
      const neighbour = build(`${queue}_neighbour`);
      await neighbour.send(Envelope.wrap(new Job(-1)));
      const table = `"${schema}"."shared"`;
      return {
        transport,
        redeliveryTimeout: transport.redeliveryTimeout,
        deliveryLimit: transport.deliveryLimit,
        redeliverAfter: async (ms) => {
          await admin.query(
            `UPDATE ${table} SET delivered_at = delivered_at - make_interval(secs => $1::float8 / 1000) WHERE delivered_at IS NOT NULL AND queue_name = $2`,
            [ms, queue],
          );
        },
        injectRaw: async (body, headers) => {
          await admin.query(`INSERT INTO ${table} (body, headers, queue_name) VALUES ($1, $2, $3)`, [
            body,
            JSON.stringify(headers),
            queue,
          ]);
        },
        letTimePass: async (ms) => {
          await admin.query(
            `UPDATE ${table} SET available_at = available_at - make_interval(secs => $1::float8 / 1000),
               deduplicate_until = deduplicate_until - make_interval(secs => $1::float8 / 1000) WHERE queue_name = $2`,
            [ms, queue],
          );
        },
        cleanup: async () => {
          await Promise.all([transport.close(), neighbour.close()]);
        },
      };
    },
    // Deduplication runs on the suite above (the same SQL); the claim order here, next to a neighbour queue.
    { priority: true },
  );
});
