import { requireService } from "@messenger-ts/core/testing";
import mysql, { type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MysqlScheduleStore } from "../../src/index.js";
import { sleep } from "../support/services.js";
import { describeScheduleStoreContract } from "./store-contract.js";

const MY = { host: process.env.MYSQL_HOST ?? "127.0.0.1", port: Number(process.env.MYSQL_PORT ?? 3306) };
const up = await requireService("MySQL/MariaDB", MY);
const database = `mt_sched_store_${process.pid}`;
const server = mysql.createPool({ ...MY, user: "root", connectionLimit: 2 });
const pool = mysql.createPool({
  ...MY,
  user: "root",
  database,
  connectionLimit: 10,
  supportBigNumbers: true,
});
let tables = 0;

beforeAll(async () => {
  if (up) await server.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
});

afterAll(async () => {
  if (up) await server.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await Promise.all([pool.end(), server.end()]);
});

describeScheduleStoreContract(
  "MysqlScheduleStore",
  () => {
    // Tables of their own per test: the tests of this file never see each other's rows.
    const suffix = tables++;
    const options = { checkpointTable: `checkpoints_${suffix}`, lockTable: `locks_${suffix}` };
    return { create: () => new MysqlScheduleStore(pool, options), wait: sleep };
  },
  !up,
);

describe.skipIf(!up)("MysqlScheduleStore", () => {
  it("creates its tables once, even when many workers start at once", async () => {
    const options = { checkpointTable: "setup_checkpoints", lockTable: "setup_locks" };
    await Promise.all(Array.from({ length: 6 }, () => new MysqlScheduleStore(pool, options).setup()));
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE 'setup\\_%' ORDER BY 1",
      [database],
    );
    expect(rows.map((r) => r.name)).toEqual(["setup_checkpoints", "setup_locks"]);
  });

  it("gives the lock to exactly one of many owners racing for it", async () => {
    const options = { checkpointTable: "race_checkpoints", lockTable: "race_locks" };
    const owners = Array.from({ length: 8 }, (_, i) => `owner-${i}`);
    const won = await Promise.all(
      owners.map((owner) => new MysqlScheduleStore(pool, options).acquire("schedule:race", owner, 10_000)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it("wraps driver errors, naming the operation", async () => {
    const broken = new MysqlScheduleStore(
      { query: () => Promise.reject(new Error("connection refused")) },
      { autoSetup: false },
    );
    await expect(broken.load("schedule:x")).rejects.toMatchObject({
      code: "SCHEDULE_STORE_ERROR",
      message: expect.stringMatching(/could not load the schedule checkpoint: connection refused/),
    });
  });
});
