import { JsonSerializer } from "@messenger-ts/core";
import { describeTransportConformance, FakeClock } from "@messenger-ts/core/testing";
import { SqliteTransport } from "../src/index.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();
let tables = 0;

/** Each test gets its own table in one real file (WAL), and drops it afterwards. */
async function fresh(clock?: FakeClock) {
  const transport = new SqliteTransport({
    path: temp("conformance.sqlite"),
    tableName: `conformance_${++tables}`,
    serializer: new JsonSerializer(),
    clock,
  });
  await transport.setup();
  const db = transport.database;
  const table = transport.tableName;
  return {
    transport,
    redeliveryTimeout: transport.redeliveryTimeout,
    injectRaw: async (body: string, headers: Readonly<Record<string, string>>) => {
      const now = clock?.now() ?? Date.now();
      db.prepare(
        `INSERT INTO ${table} (body, headers, queue_name, created_at, available_at) VALUES (?, ?, 'default', ?, ?)`,
      ).run(body, JSON.stringify(headers), now, now);
    },
    cleanup: async () => {
      db.exec(`DROP TABLE ${table}; DROP TABLE ${table}_meta`);
      await transport.close();
    },
  };
}

// Time as the transport sees it comes from a fake clock: delays and redelivery to the millisecond.
describeTransportConformance("sqlite, fake clock", async () => {
  const clock = new FakeClock();
  return { ...(await fresh(clock)), clock, redeliverAfter: (ms: number) => clock.advance(ms) };
});

// The system clock, as in production; time passes for claims by moving delivered_at back in SQL.
describeTransportConformance(
  "sqlite, system clock",
  async () => {
    const setup = await fresh();
    const db = setup.transport.database;
    const table = setup.transport.tableName;
    return {
      ...setup,
      redeliverAfter: async (ms: number) => {
        db.prepare(`UPDATE ${table} SET delivered_at = delivered_at - ? WHERE delivered_at IS NOT NULL`).run(
          Math.ceil(ms),
        );
      },
    };
  },
  { realDelay: 150 },
);
