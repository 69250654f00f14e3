import {
  type Envelope,
  HandledStamp,
  HandlerFailedError,
  type Middleware,
  type Stack,
  TransportError,
} from "@messenger-ts/core";
import type { Pool, PoolConnection } from "mysql2/promise";
import { type MysqlTransactionContext, mysqlTransactionContext } from "./current-mysql-connection.js";

/** Where the middleware gets connections: a pool, or something that has one (a MysqlTransport). */
export type MysqlPoolSource = Pool | { readonly pool: Pool } | (() => Pool | { readonly pool: Pool });

/**
 * Symfony's `doctrine_transaction` middleware: the rest of the stack (the handlers of one message)
 * runs in one transaction on one connection, available to handlers as `currentMysqlConnection()`.
 * Messages those handlers dispatch to a MySQL transport on the same database are inserted in
 * that transaction too, so they exist only if it commits.
 *
 * On failure it rolls back; a `HandlerFailedError` is rethrown with every `HandledStamp` removed,
 * because the handlers that "succeeded" had their writes rolled back and must run again on retry.
 * A dispatch from inside a handler that passes this middleware again runs in a savepoint of the
 * same transaction. Dispatch sequentially inside a transaction: one connection runs one statement
 * at a time, and savepoints nest, they do not interleave.
 *
 * @example
 * ```ts
 * createMessenger({
 *   buses: { "messenger.bus.default": { middleware: [new MysqlTransactionMiddleware(pool)] } },
 *   // ...
 * });
 * ```
 */
export class MysqlTransactionMiddleware implements Middleware {
  readonly #source: MysqlPoolSource;

  /**
   * @param source the pool to take connections from; a MysqlTransport (its shared pool), or a
   * function returning either, for when the transport is built after the middleware.
   */
  constructor(source: MysqlPoolSource) {
    this.#source = source;
  }

  async handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const pool = this.#pool();
    const outer = mysqlTransactionContext.getStore();
    if (outer && outer.pool === pool) return this.#inSavepoint(outer, envelope, stack);
    let connection: PoolConnection;
    try {
      connection = await pool.getConnection();
    } catch (error) {
      throw new TransportError(`MysqlTransactionMiddleware could not get a connection: ${message(error)}`, {
        cause: error,
      });
    }
    let broken = false;
    try {
      await driver("begin a transaction", () => connection.query("START TRANSACTION"));
      const context: MysqlTransactionContext = { connection, pool, depth: 0 };
      const result = await mysqlTransactionContext.run(context, () => stack.next().handle(envelope, stack));
      await driver("commit", () => connection.query("COMMIT"));
      return result;
    } catch (error) {
      await connection.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw withoutHandledStamps(error);
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: the pool must not hand it out again.
      if (broken) connection.destroy();
      else connection.release();
    }
  }

  async #inSavepoint(outer: MysqlTransactionContext, envelope: Envelope, stack: Stack): Promise<Envelope> {
    const depth = outer.depth + 1;
    const savepoint = `messenger_${depth}`;
    await outer.connection.query(`SAVEPOINT ${savepoint}`);
    try {
      const context: MysqlTransactionContext = { ...outer, depth };
      const result = await mysqlTransactionContext.run(context, () => stack.next().handle(envelope, stack));
      await outer.connection.query(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (error) {
      await outer.connection.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
      throw withoutHandledStamps(error);
    }
  }

  #pool(): Pool {
    const source = typeof this.#source === "function" ? this.#source() : this.#source;
    return isPool(source) ? source : source.pool;
  }
}

/** BEGIN and COMMIT failures are the database's, not the handlers': report them as transport errors. */
async function driver(operation: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new TransportError(`MysqlTransactionMiddleware could not ${operation}: ${message(error)}`, {
      cause: error,
    });
  }
}

function isPool(value: Pool | { readonly pool: Pool }): value is Pool {
  return typeof (value as Pool).getConnection === "function" && typeof (value as Pool).query === "function";
}

/** The rolled-back handlers' work is gone: a retry must run them all again. */
function withoutHandledStamps(error: unknown): unknown {
  if (!(error instanceof HandlerFailedError)) return error;
  return new HandlerFailedError(error.envelope.withoutAll(HandledStamp), error.errorsByHandler);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
