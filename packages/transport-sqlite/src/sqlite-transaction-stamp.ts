import { InvalidArgumentError, NonSendableStamp } from "@messenger-ts/core";
import { isSqliteDatabase, type SqliteDatabase } from "./open-sqlite-database.js";

/**
 * Sends through the application's own SQLite handle (better-sqlite3 or node:sqlite), so the message is written inside the
 * transaction open on it (the outbox use): rolled back, there is no message; committed, there is
 * one. The handle must reach the same file as the transport. Process-local, never serialised.
 *
 * better-sqlite3's `db.transaction(fn)` only wraps synchronous functions, and `send()` is async:
 * open the transaction with `db.exec("BEGIN IMMEDIATE")`, `await` the dispatch, then COMMIT
 * (node:sqlite has no `inTransaction`: its handle says `isTransaction`).
 *
 * @example
 * ```ts
 * db.exec("BEGIN IMMEDIATE");
 * try {
 *   db.prepare("INSERT INTO orders (id) VALUES (?)").run(orderId);
 *   await bus.dispatch(new OrderPlaced(orderId), [new SqliteTransactionStamp(db)]);
 *   db.exec("COMMIT");
 * } catch (error) {
 *   if (db.inTransaction) db.exec("ROLLBACK");
 *   throw error;
 * }
 * ```
 */
export class SqliteTransactionStamp extends NonSendableStamp {
  constructor(readonly database: SqliteDatabase) {
    super();
    if (!isSqliteDatabase(database)) {
      throw new InvalidArgumentError(
        `SqliteTransactionStamp needs a better-sqlite3 Database or node:sqlite DatabaseSync handle, got ${database === null ? "null" : typeof database}.`,
        { code: "INVALID_STAMP" },
      );
    }
  }
}
