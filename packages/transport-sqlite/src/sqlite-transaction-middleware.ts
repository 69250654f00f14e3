import { AsyncLocalStorage } from "node:async_hooks";
import {
  type Envelope,
  HandledStamp,
  HandlerFailedError,
  LogicError,
  type Middleware,
  type Stack,
  TransportError,
} from "@messenger-ts/core";
import { adaptSqliteDatabase, isSqliteDatabase, type SqliteDatabase } from "./open-sqlite-database.js";
import type { SqliteDriverConnection } from "./sqlite-driver.js";
import { notifyWrite, transactionControl } from "./sqlite-handle.js";
import { SqliteTransport } from "./sqlite-transport.js";

/** Where the transaction runs: a transport's handle, an application handle, or a function giving either later. */
export type SqliteTransactionSource =
  | SqliteTransport
  | SqliteDatabase
  | (() => SqliteTransport | SqliteDatabase | object);

interface OpenTransaction {
  readonly db: SqliteDriverConnection;
  readonly depth: number;
  /** A nested dispatch holds a savepoint; a second one at the same time would tangle them. */
  childOpen: boolean;
}

/**
 * Which transaction the current async context runs in, shared by every middleware instance.
 * Created by the first middleware: on Node 20 an AsyncLocalStorage slows every await of the
 * process, which an application that never uses this middleware should not pay for.
 */
let current: AsyncLocalStorage<OpenTransaction> | undefined;

/**
 * Symfony's `doctrine_transaction` middleware on SQLite: the rest of the dispatch (the handlers,
 * and the messages they send to SQLite transports on the same file) runs in one transaction on
 * the handle; it commits when the handlers succeed and rolls back when they fail. A handler-failed
 * error is thrown again without the handled stamps, since the rollback undid those handlers' work
 * too, so a retry must run them again. A dispatch from inside a handler nests in a savepoint.
 *
 * Both SQLite drivers are synchronous and one handle is one connection: while a handler awaits, the
 * transaction stays open, and *anything* else run on that handle joins it. So use it on a worker
 * with concurrency 1 (its own process), or give it a handle of its own. A dispatch that finds a
 * transaction it did not open on the handle (a second message handled at the same time, or the
 * application's own transaction) is refused with a LogicError rather than silently joined.
 *
 * The transaction is IMMEDIATE: it holds the file's write lock until the handlers finish, and
 * other processes wait for it to send, claim or acknowledge. Keep these handlers short.
 *
 * @example
 * ```ts
 * const messenger: Messenger = createMessenger({
 *   buses: { "messenger.bus.default": { middleware: [new SqliteTransactionMiddleware(() => messenger.getTransport("async"))] } },
 *   transports: { async: "sqlite://var/app.sqlite" },
 *   transportFactories: [new SqliteTransportFactory()],
 * });
 * ```
 */
export class SqliteTransactionMiddleware implements Middleware {
  readonly #source: SqliteTransactionSource;

  constructor(source: SqliteTransactionSource) {
    if (typeof source !== "function" && !(source instanceof SqliteTransport) && !isSqliteDatabase(source)) {
      throw new LogicError(
        "SqliteTransactionMiddleware needs an SqliteTransport, an SQLite handle (better-sqlite3 Database or node:sqlite DatabaseSync), or a function returning one.",
        { code: "INVALID_MIDDLEWARE" },
      );
    }
    this.#source = source;
    current ??= new AsyncLocalStorage<OpenTransaction>();
  }

  async handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const db = this.#database();
    const where = `SqliteTransactionMiddleware (${db.name})`;
    const context = current!;
    const outer = context.getStore();
    if (outer?.db === db && db.inTransaction) return this.#nested(outer, envelope, stack, where);
    if (db.inTransaction) {
      throw new LogicError(
        `${where}: a transaction this dispatch did not open is already open on the handle. Either another message is being handled at the same time on it (run the worker with concurrency 1, or give the middleware a handle of its own), or the application opened one (dispatch after it ends, or send with SqliteTransactionStamp).`,
        { code: "TRANSACTION_ALREADY_OPEN" },
      );
    }
    await transactionControl.begin(db, where);
    let result: Envelope;
    try {
      result = await context.run({ db, depth: 0, childOpen: false }, () =>
        stack.next().handle(envelope, stack),
      );
    } catch (error) {
      try {
        transactionControl.rollback(db, where);
      } catch {
        // The handlers' error is the one to report; a handle that cannot roll back fails its next use.
      }
      throw withoutHandledStamps(error);
    }
    if (!db.inTransaction) {
      throw new TransportError(
        `${where}: other code on the handle ended the transaction while the handlers ran; their writes may be partly committed.`,
        { code: "TRANSACTION_LOST" },
      );
    }
    try {
      transactionControl.commit(db, where);
    } catch (error) {
      transactionControl.rollback(db, where);
      throw error;
    }
    // Messages sent inside the transaction became visible only now: wake this process's idle workers.
    notifyWrite(db);
    return result;
  }

  async #nested(outer: OpenTransaction, envelope: Envelope, stack: Stack, where: string): Promise<Envelope> {
    if (outer.childOpen) {
      throw new LogicError(
        `${where}: two dispatches at the same time inside one transaction; await each dispatch before starting the next.`,
        { code: "CONCURRENT_NESTED_DISPATCH" },
      );
    }
    const { db } = outer;
    const savepoint = `messenger_${outer.depth + 1}`;
    transactionControl.savepoint(db, savepoint, where);
    outer.childOpen = true;
    try {
      const result = await current!.run({ db, depth: outer.depth + 1, childOpen: false }, () =>
        stack.next().handle(envelope, stack),
      );
      transactionControl.release(db, savepoint, where);
      return result;
    } catch (error) {
      if (db.inTransaction) transactionControl.rollbackTo(db, savepoint, where);
      throw withoutHandledStamps(error);
    } finally {
      outer.childOpen = false;
    }
  }

  #database(): SqliteDriverConnection {
    const source = typeof this.#source === "function" ? this.#source() : this.#source;
    if (source instanceof SqliteTransport) return adaptSqliteDatabase(source.database);
    if (isSqliteDatabase(source)) return adaptSqliteDatabase(source);
    throw new LogicError(
      `SqliteTransactionMiddleware: the function gave ${source?.constructor?.name ?? String(source)}, not an SqliteTransport or an SQLite handle (better-sqlite3 Database or node:sqlite DatabaseSync).`,
      { code: "INVALID_MIDDLEWARE" },
    );
  }
}

/** The rollback undid the work of the handlers that succeeded: a retry must run them again. */
function withoutHandledStamps(error: unknown): unknown {
  return error instanceof HandlerFailedError
    ? new HandlerFailedError(error.envelope.withoutAll(HandledStamp), error.errorsByHandler)
    : error;
}
