import { afterAll, describe, expect, it } from "vitest";
import { PostgresScheduleStore } from "../../src/index.js";
import { dropSchema, pgPool, pgUp, schemaFor, sleep } from "../support/services.js";
import { describeScheduleStoreContract } from "./store-contract.js";

const schema = schemaFor("store");
const pool = pgPool(10);
let tables = 0;

afterAll(async () => {
  if (pgUp) await dropSchema(pool, schema);
  await pool.end();
});

describeScheduleStoreContract(
  "PostgresScheduleStore",
  () => {
    // Tables of their own per test: the tests of this file never see each other's rows.
    const suffix = tables++;
    const options = { schema, checkpointTable: `checkpoints_${suffix}`, lockTable: `locks_${suffix}` };
    return { create: () => new PostgresScheduleStore(pool, options), wait: sleep };
  },
  !pgUp,
);

describe.skipIf(!pgUp)("PostgresScheduleStore", () => {
  it("creates its schema and tables once, even when many workers start at once", async () => {
    const options = { schema, checkpointTable: "setup_checkpoints", lockTable: "setup_locks" };
    await Promise.all(Array.from({ length: 6 }, () => new PostgresScheduleStore(pool, options).setup()));
    const { rows } = await pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'setup_%' ORDER BY 1",
      [schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual(["setup_checkpoints", "setup_locks"]);
  });

  it("wraps driver errors, naming the operation", async () => {
    const broken = new PostgresScheduleStore(
      {
        query: () => Promise.reject(new Error("connection refused")),
        connect: () => Promise.reject(new Error("x")),
      },
      { autoSetup: false },
    );
    await expect(broken.load("schedule:x")).rejects.toMatchObject({
      code: "SCHEDULE_STORE_ERROR",
      message: expect.stringMatching(/could not load the schedule checkpoint: connection refused/),
    });
  });
});
