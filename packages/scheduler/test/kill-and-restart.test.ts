import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, it } from "vitest";
import { expectNoSkipNoRepeatAcrossKill } from "./support/kill-and-restart.js";
import { dropSchema, pgPool, pgUp, schemaFor } from "./support/services.js";

const schema = schemaFor("kill");
const pool = pgPool(2);
const dir = mkdtempSync(join(tmpdir(), "mt-sched-kill-"));

beforeAll(async () => {
  if (!pgUp) return;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await pool.query(`CREATE TABLE "${schema}".runs (at bigint NOT NULL, pid int NOT NULL)`);
});

afterAll(async () => {
  if (pgUp) await dropSchema(pool, schema);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

describe("a worker killed (SIGKILL) and restarted with a stateful schedule", () => {
  it.skipIf(!pgUp)(
    "neither skips nor repeats a run: PostgreSQL checkpoint, behind a lock the dead worker still held",
    { timeout: 40_000 },
    async () => {
      await expectNoSkipNoRepeatAcrossKill("pg", schema, ["lock", "stateful", "ttl=2000"], async () => {
        const { rows } = await pool.query(`SELECT at, pid FROM "${schema}".runs`);
        return rows.map((r) => ({ at: Number(r.at), pid: r.pid }));
      });
    },
  );

  it("neither skips nor repeats a run: SQLite checkpoint", { timeout: 40_000 }, async () => {
    const file = join(dir, "schedule.sqlite");
    await expectNoSkipNoRepeatAcrossKill("sqlite", file, ["stateful"], async () => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare("SELECT at, pid FROM runs").all() as { at: number; pid: number }[];
      } finally {
        db.close();
      }
    });
  });
});
