import { afterAll, describe, expect, it } from "vitest";
import { adminPool, createTransport, dropSchema, pgUp, schemaFor } from "./support/postgres.js";

const admin = adminPool();
const schema = schemaFor("controls");
afterAll(async () => {
  await dropSchema(admin, schema);
  await admin.end();
});

async function present(table: string): Promise<boolean> {
  const { rows } = await admin.query("SELECT to_regclass($1) IS NOT NULL AS present", [
    `"${schema}"."${table}"`,
  ]);
  return rows[0].present as boolean;
}

describe.skipIf(!pgUp)("PostgreSQL pause state and shared limits tables", () => {
  it("reading the pause state creates nothing; pausing creates the control tables; setup() creates them too", async () => {
    const transport = createTransport({ schema, table_name: "reads" });
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      expect(await transport.getPausedTransports()).toEqual([]);
      expect(await present("reads_paused"), "a read (messenger:stats, an idle worker) creates nothing").toBe(
        false,
      );
      await transport.pauseTransport("async");
      expect(await transport.getPausedTransports()).toEqual(["async"]);
      for (const suffix of ["paused", "rates", "leases"]) expect(await present(`reads_${suffix}`)).toBe(true);
    } finally {
      await transport.close();
    }
    const other = createTransport({ schema, table_name: "set_up" });
    try {
      await other.setup();
      for (const suffix of ["paused", "rates", "leases"])
        expect(await present(`set_up_${suffix}`)).toBe(true);
      // The messages table keeps its own schema version: nothing about it changed.
      const { rows } = await admin.query("SELECT obj_description(to_regclass($1), 'pg_class') AS comment", [
        `"${schema}"."set_up"`,
      ]);
      expect(rows[0].comment).toMatch(/^messenger-ts transport table; schema version \d+$/);
    } finally {
      await other.close();
    }
  });
});
