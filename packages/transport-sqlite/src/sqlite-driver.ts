/**
 * The few things this package asks of an SQLite driver, so that node:sqlite and better-sqlite3 are
 * interchangeable: one adapter per driver (node-sqlite-driver.ts, better-sqlite3-driver.ts) turns
 * each one's handle into this. Adapters return identical results: integers as numbers (as
 * better-sqlite3 does), blobs as Buffers, rows as plain objects.
 */

/** The drivers this package can open a file with; `"auto"` takes node:sqlite where Node.js has it. */
export type SqliteDriverName = "node:sqlite" | "better-sqlite3";

/** A value SQLite can bind: both drivers refuse booleans and undefined. */
export type SqliteValue = string | number | bigint | Buffer | Uint8Array | null;

export type SqliteRow = Record<string, unknown>;

export interface SqliteStatement {
  run(...params: SqliteValue[]): { changes: number; lastInsertRowid: number };
  get(...params: SqliteValue[]): SqliteRow | undefined;
  all(...params: SqliteValue[]): SqliteRow[];
}

export interface SqliteDriverConnection {
  readonly driver: SqliteDriverName;
  /** The driver's own handle (a better-sqlite3 Database or a node:sqlite DatabaseSync). */
  readonly native: object;
  /** The file as opened, or ":memory:"; for error messages. */
  readonly name: string;
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  /** One or more statements, no parameters, no result. */
  exec(sql: string): void;
  close(): void;
}
