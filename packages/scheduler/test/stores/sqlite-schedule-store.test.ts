import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeClock } from "@messenger-ts/core/testing";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteScheduleStore } from "../../src/index.js";
import { describeScheduleStoreContract } from "./store-contract.js";

const dir = mkdtempSync(join(tmpdir(), "mt-sched-sqlite-"));
const databases: Database.Database[] = [];
let files = 0;

afterAll(() => {
  for (const db of databases) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describeScheduleStoreContract("SqliteScheduleStore", () => {
  // One file per test; each store opens its own connection, as separate processes would.
  const file = join(dir, `store-${files++}.sqlite`);
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  return {
    create: () => {
      const db = new Database(file);
      databases.push(db);
      return new SqliteScheduleStore(db, { clock });
    },
    wait: (ms) => clock.advance(ms),
  };
});

describe("SqliteScheduleStore", () => {
  it("rejects table names that are not plain identifiers", () => {
    const db = new Database(":memory:");
    databases.push(db);
    expect(() => new SqliteScheduleStore(db, { lockTable: 'x"; DROP TABLE y; --' })).toThrow(
      /Invalid value "x"; DROP TABLE y; --" for option "lockTable" of SqliteScheduleStore/,
    );
  });
});
