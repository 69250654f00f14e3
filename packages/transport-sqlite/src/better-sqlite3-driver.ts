import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDriverConnection, SqliteRow, SqliteStatement } from "./sqlite-driver.js";

type DatabaseConstructor = typeof BetterSqlite3;

let loaded: DatabaseConstructor | string | undefined;

/**
 * better-sqlite3 (an optional peer dependency), or why it cannot be used: not installed, or its
 * native binary was built for another Node.js (it loads on the first open, so one is tried here).
 */
export function loadBetterSqlite3(): DatabaseConstructor | string {
  if (loaded !== undefined) return loaded;
  try {
    const Database = createRequire(import.meta.url)("better-sqlite3") as DatabaseConstructor;
    new Database(":memory:").close();
    loaded = Database;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    loaded =
      (error as { code?: unknown })?.code === "MODULE_NOT_FOUND" && /better-sqlite3/.test(detail)
        ? "better-sqlite3 is not installed"
        : `better-sqlite3 could not be loaded (${detail})`;
  }
  return loaded;
}

export function isBetterSqlite3Database(value: unknown): value is BetterSqlite3.Database {
  const candidate = value as Partial<BetterSqlite3.Database> | null;
  return (
    typeof candidate?.prepare === "function" &&
    typeof candidate.transaction === "function" &&
    typeof candidate.inTransaction === "boolean"
  );
}

/** Opens `path` with better-sqlite3, which waits up to `busyTimeoutMs` for another process's lock. */
export function openBetterSqlite3(path: string, busyTimeoutMs: number): BetterSqlite3Connection {
  const Database = loadBetterSqlite3();
  if (typeof Database === "string") throw new Error(Database);
  return new BetterSqlite3Connection(new Database(path, { timeout: busyTimeoutMs }));
}

/** A better-sqlite3 Database as a {@link SqliteDriverConnection}. */
export class BetterSqlite3Connection implements SqliteDriverConnection {
  readonly driver = "better-sqlite3";
  readonly native: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.native = db;
  }

  get name(): string {
    return this.native.name;
  }

  get open(): boolean {
    return this.native.open;
  }

  get inTransaction(): boolean {
    return this.native.inTransaction;
  }

  prepare(sql: string): SqliteStatement {
    const statement = this.native.prepare(sql);
    return {
      run: (...params) => {
        const result = statement.run(...params);
        return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
      },
      get: (...params) => statement.get(...params) as SqliteRow | undefined,
      all: (...params) => statement.all(...params) as SqliteRow[],
    };
  }

  exec(sql: string): void {
    this.native.exec(sql);
  }

  close(): void {
    this.native.close();
  }
}
