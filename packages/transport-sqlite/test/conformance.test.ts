import { JsonSerializer } from "@messenger-ts/core";
import { describeTransportConformance, FakeClock } from "@messenger-ts/core/testing";
import { describe } from "vitest";
import { SqliteTransport } from "../src/index.js";
import type { SqliteDriverName } from "../src/sqlite-driver.js";
import { DRIVERS, raw } from "./support/drivers.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();
let tables = 0;

/** Each test gets its own table in one real file (WAL), and drops it afterwards. */
async function fresh(driver: SqliteDriverName, clock?: FakeClock, deliveryLimit?: number) {
  const transport = new SqliteTransport({
    path: temp(`conformance-${driver.replace(":", "-")}.sqlite`),
    driver,
    tableName: `conformance_${++tables}`,
    serializer: new JsonSerializer(),
    clock,
    deliveryLimit,
  });
  await transport.setup();
  // A driver that is asked for and not used would make this run the other driver's suite again.
  if (transport.driver !== driver) throw new Error(`asked for ${driver}, got ${transport.driver}`);
  const db = raw(transport.database);
  const table = transport.tableName;
  return {
    transport,
    redeliveryTimeout: transport.redeliveryTimeout,
    deliveryLimit: transport.deliveryLimit,
    injectRaw: async (body: string, headers: Readonly<Record<string, string>>) => {
      const now = clock?.now() ?? Date.now();
      db.prepare(
        `INSERT INTO ${table} (body, headers, queue_name, created_at, available_at) VALUES (?, ?, 'default', ?, ?)`,
      ).run(body, JSON.stringify(headers), now, now);
    },
    // Another producer: a transport of its own on the same table, through its own handle.
    anotherProducer: async () => {
      const other = new SqliteTransport({
        path: temp(`conformance-${driver.replace(":", "-")}.sqlite`),
        driver,
        tableName: table,
        serializer: new JsonSerializer(),
        clock,
      });
      producers.push(other);
      return other;
    },
    cleanup: async () => {
      await Promise.all(producers.splice(0).map((other) => other.close()));
      db.exec(`DROP TABLE ${table}; DROP TABLE ${table}_meta`);
      await transport.close();
    },
  };
}

const producers: SqliteTransport[] = [];

for (const driver of DRIVERS) {
  describe(driver, () => {
    // Time as the transport sees it comes from a fake clock: delays and redelivery to the millisecond.
    describeTransportConformance(
      "sqlite, fake clock",
      async ({ deliveryLimit }) => {
        const clock = new FakeClock();
        return {
          ...(await fresh(driver, clock, deliveryLimit)),
          clock,
          redeliverAfter: (ms: number) => clock.advance(ms),
        };
      },
      { deduplication: true, priority: true },
    );

    // The system clock, as in production; time passes for claims by moving delivered_at back in SQL.
    describeTransportConformance(
      "sqlite, system clock",
      async ({ deliveryLimit }) => {
        const setup = await fresh(driver, undefined, deliveryLimit);
        const db = raw(setup.transport.database);
        const table = setup.transport.tableName;
        return {
          ...setup,
          redeliverAfter: async (ms: number) => {
            db.prepare(
              `UPDATE ${table} SET delivered_at = delivered_at - ? WHERE delivered_at IS NOT NULL`,
            ).run(Math.ceil(ms));
          },
          // Due times and deduplication deadlines move back the same way.
          letTimePass: async (ms: number) => {
            db.prepare(
              `UPDATE ${table} SET available_at = available_at - ?, deduplicate_until = deduplicate_until - ?`,
            ).run(Math.ceil(ms), Math.ceil(ms));
          },
        };
      },
      { realDelay: 150, deduplication: true, priority: true },
    );
  });
}
