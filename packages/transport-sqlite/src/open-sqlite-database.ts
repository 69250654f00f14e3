import { TransportError } from "@messenger-ts/core";
import type BetterSqlite3 from "better-sqlite3";
import {
  BetterSqlite3Connection,
  isBetterSqlite3Database,
  loadBetterSqlite3,
  openBetterSqlite3,
} from "./better-sqlite3-driver.js";
import {
  isNodeSqliteDatabase,
  loadNodeSqlite,
  NodeSqliteConnection,
  type NodeSqliteDatabase,
  openNodeSqlite,
} from "./node-sqlite-driver.js";
import type { SqliteDriverConnection, SqliteDriverName } from "./sqlite-driver.js";

/** A handle the application may give: better-sqlite3's Database or node:sqlite's DatabaseSync. */
export type SqliteDatabase = BetterSqlite3.Database | NodeSqliteDatabase;

/** The `driver` option: a driver by name, or `"auto"` (node:sqlite where usable, else better-sqlite3). */
export type SqliteDriverChoice = SqliteDriverName | "auto";

export const SQLITE_DRIVERS: readonly SqliteDriverChoice[] = ["auto", "node:sqlite", "better-sqlite3"];

const INSTALL =
  "Install better-sqlite3 (npm install better-sqlite3; it needs a C++ toolchain where no prebuilt binary fits), or run on Node.js 22.16 or later, whose built-in node:sqlite needs no install";

/** Whether `driver` can open files in this process, or why not. */
export function sqliteDriverAvailability(driver: SqliteDriverName): true | string {
  const loaded = driver === "node:sqlite" ? loadNodeSqlite() : loadBetterSqlite3();
  return typeof loaded === "string" ? loaded : true;
}

/** The driver `choice` resolves to here, or a TransportError saying what to install. */
export function resolveSqliteDriver(choice: SqliteDriverChoice, where: string): SqliteDriverName {
  if (choice !== "auto") {
    const available = sqliteDriverAvailability(choice);
    if (available === true) return choice;
    throw new TransportError(
      `SQLite transport ${where} cannot use driver "${choice}": ${available}. ${choice === "node:sqlite" ? 'Run on Node.js 22.16 or later, or use driver "better-sqlite3"' : INSTALL}.`,
      { code: "SQLITE_DRIVER_UNAVAILABLE" },
    );
  }
  const node = sqliteDriverAvailability("node:sqlite");
  if (node === true) return "node:sqlite";
  const better = sqliteDriverAvailability("better-sqlite3");
  if (better === true) return "better-sqlite3";
  throw new TransportError(
    `SQLite transport ${where} has no SQLite driver: ${node}, and ${better}. ${INSTALL}.`,
    {
      code: "SQLITE_DRIVER_UNAVAILABLE",
    },
  );
}

/** Opens `path` with `driver`; the busy timeout is how long one statement waits for a lock. */
export function openSqliteDatabase(
  driver: SqliteDriverName,
  path: string,
  busyTimeoutMs: number,
): SqliteDriverConnection {
  const connection =
    driver === "node:sqlite" ? openNodeSqlite(path, busyTimeoutMs) : openBetterSqlite3(path, busyTimeoutMs);
  adapters.set(connection.native, connection);
  return connection;
}

export function isSqliteDatabase(value: unknown): value is SqliteDatabase {
  return isBetterSqlite3Database(value) || isNodeSqliteDatabase(value);
}

/** One adapter per handle: statement caches, write listeners and transactions key on it. */
const adapters = new WeakMap<object, SqliteDriverConnection>();

/** The adapter of an application's handle (see {@link isSqliteDatabase}). */
export function adaptSqliteDatabase(db: SqliteDatabase): SqliteDriverConnection {
  let adapter = adapters.get(db);
  if (!adapter) {
    adapter = isNodeSqliteDatabase(db)
      ? new NodeSqliteConnection(db)
      : new BetterSqlite3Connection(db as BetterSqlite3.Database);
    adapters.set(db, adapter);
  }
  return adapter;
}
