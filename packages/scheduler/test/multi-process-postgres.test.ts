import { afterAll, beforeAll, describe, it } from "vitest";
import { dropSchema, pgPool, pgUp, schemaFor } from "./support/services.js";
import { expectEachRunOnceAcrossThreeWorkers } from "./support/three-workers.js";

const schema = schemaFor("multi");
const pool = pgPool(2);

beforeAll(async () => {
  if (!pgUp) return;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  // No UNIQUE constraint on purpose: a duplicate must show up as a second row.
  await pool.query(`CREATE TABLE "${schema}".runs (at bigint NOT NULL, pid int NOT NULL)`);
});

afterAll(async () => {
  if (pgUp) await dropSchema(pool, schema);
  await pool.end();
});

describe.skipIf(!pgUp)("three worker processes, one schedule, a PostgreSQL lock and checkpoint", () => {
  it("emit each every-second run exactly once", { timeout: 45_000 }, async () => {
    await expectEachRunOnceAcrossThreeWorkers("pg", schema, async () => {
      const { rows } = await pool.query(`SELECT at, pid FROM "${schema}".runs`);
      return rows.map((r) => ({ at: Number(r.at), pid: r.pid }));
    });
  });
});
