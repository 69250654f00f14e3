import { Envelope } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { SqliteTransport, SqliteTransportFactory } from "../src/index.js";
import type { SqliteDriverName } from "../src/sqlite-driver.js";
import { DRIVERS, openDatabase, raw } from "./support/drivers.js";
import { factoryContext } from "./support/factory-context.js";
import { Job } from "./support/messages.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();
const ALL: readonly SqliteDriverName[] = ["node:sqlite", "better-sqlite3"];
const context = factoryContext();
const missing = ALL.filter((driver) => !DRIVERS.includes(driver as (typeof DRIVERS)[number]));

describe.each(DRIVERS)("the %s driver", (driver) => {
  it("is used when asked for, through the option and through the DSN", async () => {
    const byOption = new SqliteTransport({ path: temp(`option-${driver.replace(":", "-")}.sqlite`), driver });
    expect(byOption.driver).toBe(driver);
    await byOption.close();
    const byDsn = new SqliteTransportFactory().createTransport(
      `sqlite://${temp(`dsn-${driver.replace(":", "-")}.sqlite`)}?driver=${driver}`,
      {},
      context,
    );
    expect(byDsn.driver).toBe(driver);
    await byDsn.close();
  });

  it("reads rows as better-sqlite3 does: plain objects, numbers (rounded past 2^53), Buffers", () => {
    const db = raw(openDatabase(":memory:", driver));
    db.exec("CREATE TABLE t (i INTEGER, big INTEGER, r REAL, s TEXT, b BLOB, n)");
    const inserted = db
      .prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
      .run(7, 2n ** 60n, 1.5, "x", Buffer.from("ab"), null);
    expect(inserted).toEqual({ changes: 1, lastInsertRowid: 1 });
    const row = db.prepare("SELECT * FROM t").get()!;
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row).toEqual({ i: 7, big: 2 ** 60, r: 1.5, s: "x", b: Buffer.from("ab"), n: null });
    expect(Buffer.isBuffer(row.b)).toBe(true);
    expect(db.prepare("SELECT i FROM t WHERE i = ?").all(8)).toEqual([]);
    expect(db.prepare("SELECT i FROM t WHERE i = ?").get(8)).toBeUndefined();
    db.close();
  });

  it("takes an application's handle of this driver, and hands a message over to a transport on the same file", async () => {
    const file = temp(`handle-${driver.replace(":", "-")}.sqlite`);
    const handle = openDatabase(file, driver);
    const given = new SqliteTransport({ database: handle });
    expect(given.database).toBe(handle);
    expect(given.driver).toBe(driver);
    await given.send(Envelope.wrap(new Job(1)));
    const opened = new SqliteTransport({ path: file });
    expect((await opened.get()).map((e) => (e.message as Job).n)).toEqual([1]);
    await opened.close();
    await given.close();
    raw(handle).close();
  });
});

describe("choosing the driver", () => {
  it.skipIf(missing.length === 0).each(missing)(
    "says what to do when %s is asked for and cannot be used here",
    async (driver) => {
      const transport = new SqliteTransport({ path: temp("unavailable.sqlite"), driver });
      await expect(transport.get()).rejects.toMatchObject({
        code: "SQLITE_DRIVER_UNAVAILABLE",
        message: expect.stringMatching(
          driver === "node:sqlite"
            ? /cannot use driver "node:sqlite": .*Node\.js 22\.16 or later/
            : /cannot use driver "better-sqlite3": .*Install better-sqlite3 \(npm install better-sqlite3/,
        ),
      });
    },
  );

  it("refuses a driver it does not know, naming the ones it does", () => {
    expect(() => new SqliteTransport({ path: temp("x.sqlite"), driver: "sqlite3" as never })).toThrowError(
      /"driver".*expected one of "auto", "node:sqlite", "better-sqlite3"/,
    );
    expect(() =>
      new SqliteTransportFactory().createTransport(
        `sqlite://${temp("y.sqlite")}?driver=sqlite3`,
        {},
        context,
      ),
    ).toThrowError(/"driver"/);
  });

  it("opens with node:sqlite by default where Node.js has it, else better-sqlite3", async () => {
    const transport = new SqliteTransport({ path: temp("auto.sqlite") });
    expect(transport.driver).toBe(DRIVERS[0]);
    await transport.close();
  });
});
