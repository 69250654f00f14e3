import {
  adaptSqliteDatabase,
  openSqliteDatabase,
  resolveSqliteDriver,
  type SqliteDatabase,
  sqliteDriverAvailability,
} from "../../src/open-sqlite-database.js";
import type { SqliteDriverConnection, SqliteDriverName } from "../../src/sqlite-driver.js";

/** The drivers this Node.js can run: both on 22.16+ with a working better-sqlite3, one elsewhere. */
export const DRIVERS = (["node:sqlite", "better-sqlite3"] as const).filter(
  (driver) => sqliteDriverAvailability(driver) === true,
);

/** The driver `"auto"` picks here: what the tests that do not name one run on. */
export const AUTO_DRIVER: SqliteDriverName = resolveSqliteDriver("auto", "(tests)");

/** A file opened as an application would, with its own handle of the driver's kind. */
export function openDatabase(path: string, driver: SqliteDriverName = AUTO_DRIVER): SqliteDatabase {
  return openSqliteDatabase(driver, path, 5_000).native as SqliteDatabase;
}

/** SQL on any driver's handle, in the tests: prepare/run/get/all, exec, pragmas, open, inTransaction. */
export function raw(db: SqliteDatabase): SqliteDriverConnection {
  return adaptSqliteDatabase(db);
}
