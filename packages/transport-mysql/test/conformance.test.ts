import { Envelope } from "@messenger-ts/core";
import { describeTransportConformance } from "@messenger-ts/core/testing";
import { afterAll, beforeAll, describe } from "vitest";
import { MysqlTransportFactory } from "../src/index.js";
import {
  adminPool,
  createDatabase,
  createTransport,
  databaseFor,
  dropDatabase,
  factoryContext,
  Job,
  MY,
  mysqlUp,
} from "./support/mysql.js";

const database = databaseFor("conformance");
const server = adminPool();
const admin = adminPool(database);
let tables = 0;

beforeAll(async () => {
  if (mysqlUp) await createDatabase(server, database);
});

afterAll(async () => {
  if (mysqlUp) await dropDatabase(server, database);
  await Promise.all([admin.end(), server.end()]);
});

/** Claims age by moving delivered_at back, instead of sleeping through the 30 s default. */
function ageClaims(table: string, queue?: string) {
  return async (ms: number) => {
    await admin.query(
      `UPDATE \`${table}\` SET delivered_at = delivered_at - INTERVAL ? MICROSECOND WHERE delivered_at IS NOT NULL${queue ? " AND queue_name = ?" : ""}`,
      queue ? [Math.round(ms * 1000), queue] : [Math.round(ms * 1000)],
    );
  };
}

async function insertRaw(table: string, queue: string, body: string, headers: Record<string, string>) {
  await admin.query(
    `INSERT INTO \`${table}\` (body, headers, queue_name, created_at, available_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))`,
    [body, JSON.stringify(headers), queue],
  );
}

describe.skipIf(!mysqlUp)("MySQL transport", () => {
  // A table of its own per test: each one also exercises auto-setup from nothing.
  describeTransportConformance("mysql, a table per test", async ({ deliveryLimit }) => {
    const table = `t${++tables}`;
    const transport = createTransport(database, {
      table_name: table,
      ...(deliveryLimit === undefined ? {} : { delivery_limit: deliveryLimit }),
    });
    return {
      transport,
      redeliveryTimeout: transport.redeliveryTimeout,
      deliveryLimit: transport.deliveryLimit,
      redeliverAfter: ageClaims(table),
      injectRaw: async (body, headers) => {
        await transport.setup();
        await insertRaw(table, "default", body, headers);
      },
      cleanup: () => transport.close(),
    };
  });

  // doctrine:// through a named connection, one shared table, a queue per test, and a neighbour
  // queue holding a due message all along: nothing of it may leak into the queue under test.
  let queues = 0;
  describeTransportConformance(
    "doctrine:// on mariadb://, a queue per test in a shared table",
    async ({ deliveryLimit }) => {
      const queue = `q${++queues}`;
      const connections = { default: `mariadb://${MY.user}@${MY.host}:${MY.port}/${database}` };
      const factory = new MysqlTransportFactory();
      const build = (name: string) =>
        factory.createTransport(
          `doctrine://default?queue_name=${name}&table_name=shared&redeliver_timeout=5`,
          deliveryLimit === undefined ? {} : { delivery_limit: deliveryLimit },
          factoryContext("async", connections),
        );
      const transport = build(queue);
      const neighbour = build(`${queue}_neighbour`);
      await neighbour.send(Envelope.wrap(new Job(-1)));
      return {
        transport,
        redeliveryTimeout: transport.redeliveryTimeout,
        deliveryLimit: transport.deliveryLimit,
        redeliverAfter: ageClaims("shared", queue),
        injectRaw: (body, headers) => insertRaw("shared", queue, body, headers),
        cleanup: async () => {
          await Promise.all([transport.close(), neighbour.close()]);
        },
      };
    },
  );
});
