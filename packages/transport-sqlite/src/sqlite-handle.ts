import { mkdirSync, realpathSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TransportError } from "@messenger-ts/core";
import { openSqliteDatabase } from "./open-sqlite-database.js";
import type { SqliteDriverConnection, SqliteDriverName, SqliteStatement } from "./sqlite-driver.js";

/**
 * The SQLite handle as this package uses it, whichever the driver: one per file and process,
 * statements prepared once per handle, SQLITE_BUSY waited out without freezing the event loop,
 * errors turned into TransportErrors, and the transaction statements the middleware needs.
 * Driver code only; the statements on the messages table are SqliteConnection's.
 */

type SqliteDatabase = SqliteDriverConnection;

/**
 * How long one statement may wait, blocking the event loop (better-sqlite3 is synchronous), for
 * another process's write lock. Claims and acks hold it for microseconds, so this is plenty; when
 * it is not, the retries below wait asynchronously, so a long foreign transaction never freezes
 * this process's timers and handlers.
 */
export const BUSY_TIMEOUT_MS = 100;
/** Patience for sends, acks and setup; beyond it the caller gets a transport error. */
export const WRITE_BUDGET_MS = 5_000;
export const MEMORY = ":memory:";
const SQLITE_BUSY = 5;

/** SQLITE_BUSY and its extended codes, on a driver error or on the cause of a wrapped one. */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  // better-sqlite3 names the code; node:sqlite gives the number, extended codes in the high bits.
  if (typeof code === "string" && code.startsWith("SQLITE_BUSY")) return true;
  const errcode = (error as { errcode?: unknown })?.errcode;
  if (typeof errcode === "number" && (errcode & 0xff) === SQLITE_BUSY) return true;
  return error instanceof TransportError && error.cause !== undefined && isBusyError(error.cause);
}

export function toTransportError(error: unknown, operation: string, where: string): TransportError {
  if (error instanceof TransportError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new TransportError(`SQLite transport ${where} could not ${operation}: ${detail}`, { cause: error });
}

/** Runs `fn` again while it fails with SQLITE_BUSY, for up to `budgetMs`, yielding between tries. */
export async function retryWhileBusy<T>(fn: () => T, budgetMs: number): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      if (!isBusyError(error) || Date.now() - started >= budgetMs) throw error;
      await sleep(Math.min(50, 2 ** attempt) * (0.5 + Math.random()));
    }
  }
}

const statementCache = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();

/** Prepared once per handle and SQL text: parsing is most of the cost of a small statement. */
export function prepared(db: SqliteDatabase, sql: string): SqliteStatement {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/** One handle per file and process: no two connections of one process ever wait for each other's lock. */
const sharedHandles = new Map<string, { db: SqliteDatabase; users: number }>();

/**
 * Opens `path` (":memory:" for a private database) with `driver`, or takes another use of this
 * process's handle on that file, whichever driver opened it. With `createDirectory`, a missing
 * parent directory is created first.
 */
export function acquireHandle(
  path: string,
  createDirectory: boolean,
  driver: SqliteDriverName,
): SqliteDatabase {
  const shared = path === MEMORY ? undefined : sharedHandles.get(path);
  if (shared?.db.open) {
    shared.users++;
    return shared.db;
  }
  if (path !== MEMORY && createDirectory) mkdirSync(dirname(path), { recursive: true });
  const db = openSqliteDatabase(driver, path, BUSY_TIMEOUT_MS);
  if (path !== MEMORY) sharedHandles.set(path, { db, users: 1 });
  return db;
}

/** Gives back one use of a handle from acquireHandle; the last use closes it. */
export function releaseHandle(path: string, db: SqliteDatabase): void {
  const shared = sharedHandles.get(path);
  if (shared?.db === db && --shared.users > 0) return;
  if (shared?.db === db) sharedHandles.delete(path);
  db.close();
}

const writeListeners = new WeakMap<SqliteDatabase, Set<() => void>>();

/** Calls `listener` whenever this process writes messages through `db`; returns the unsubscribe. */
export function onWrite(db: SqliteDatabase, listener: () => void): () => void {
  let listeners = writeListeners.get(db);
  if (!listeners) {
    listeners = new Set();
    writeListeners.set(db, listeners);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Wakes this process's idle waiters on `db` (after a send, or a commit that may hold sends). */
export function notifyWrite(db: SqliteDatabase): void {
  for (const listener of writeListeners.get(db) ?? []) listener();
}

const fileCache = new WeakMap<SqliteDatabase, string>();

/** The main database file of a handle, symlinks resolved; "" for an in-memory or temporary one. */
function databaseFile(db: SqliteDatabase): string {
  let file = fileCache.get(db);
  if (file === undefined) {
    const row = prepared(db, "SELECT file FROM pragma_database_list WHERE name = 'main'").get() as
      | { file: string }
      | undefined;
    file = row?.file ?? "";
    try {
      if (file) file = realpathSync(file);
    } catch {
      // The file vanished under us: compare the names as SQLite gave them.
    }
    fileCache.set(db, file);
  }
  return file;
}

/** True when both handles reach the same database: the same handle, or the same file. */
export function isSameDatabase(a: SqliteDatabase, b: SqliteDatabase): boolean {
  if (a === b) return true;
  const file = databaseFile(a);
  return file !== "" && file === databaseFile(b);
}

/**
 * Runs `fn` in a transaction, or in a savepoint when one is already open on the handle: all or
 * nothing, as better-sqlite3's `transaction()`, on either driver. `immediate` takes the write lock
 * at once (see transactionControl.begin).
 */
export function inTransaction<T>(db: SqliteDatabase, fn: () => T, immediate = false): T {
  const nested = db.inTransaction;
  db.exec(nested ? 'SAVEPOINT "messenger_inner"' : immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  let result: T;
  try {
    result = fn();
  } catch (error) {
    if (db.inTransaction) {
      db.exec(nested ? 'ROLLBACK TO "messenger_inner"; RELEASE "messenger_inner"' : "ROLLBACK");
    }
    throw error;
  }
  db.exec(nested ? 'RELEASE "messenger_inner"' : "COMMIT");
  return result;
}

/**
 * Transaction control for the transaction middleware, which holds a transaction open across the
 * awaits of a handler; inTransaction() above only wraps synchronous functions.
 */
export const transactionControl = {
  /** IMMEDIATE takes the write lock at once: a deferred one would fail with SQLITE_BUSY_SNAPSHOT as
   * soon as another process wrote between its first read and its first write, which workers do. */
  begin: (db: SqliteDatabase, where: string) =>
    retryWhileBusy(() => prepared(db, "BEGIN IMMEDIATE").run(), WRITE_BUDGET_MS).catch((error: unknown) => {
      throw toTransportError(error, "begin a transaction", where);
    }),
  commit: (db: SqliteDatabase, where: string) => run(() => prepared(db, "COMMIT").run(), "commit", where),
  rollback: (db: SqliteDatabase, where: string) =>
    run(() => db.inTransaction && prepared(db, "ROLLBACK").run(), "roll back", where),
  savepoint: (db: SqliteDatabase, name: string, where: string) =>
    run(() => db.exec(`SAVEPOINT "${name}"`), "open a savepoint", where),
  release: (db: SqliteDatabase, name: string, where: string) =>
    run(() => db.exec(`RELEASE "${name}"`), "release a savepoint", where),
  rollbackTo: (db: SqliteDatabase, name: string, where: string) =>
    run(() => db.exec(`ROLLBACK TO "${name}"; RELEASE "${name}"`), "roll back to a savepoint", where),
};

function run(fn: () => unknown, operation: string, where: string): void {
  try {
    fn();
  } catch (error) {
    throw toTransportError(error, operation, where);
  }
}
