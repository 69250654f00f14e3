import {
  type Envelope,
  HandledStamp,
  HandlerFailedError,
  type Middleware,
  type Stack,
  TransportError,
} from "@messenger-ts/core";
import type pg from "pg";
import { type PostgresTransactionContext, postgresTransactionContext } from "./current-postgres-client.js";

/** Where the middleware gets connections: a pool, or something that has one (a PostgresTransport). */
export type PostgresPoolSource =
  | pg.Pool
  | { readonly pool: pg.Pool }
  | (() => pg.Pool | { readonly pool: pg.Pool });

/**
 * Symfony's `doctrine_transaction` middleware: the rest of the stack (the handlers of one message)
 * runs in one transaction on one connection, available to handlers as `currentPostgresClient()`.
 * Messages those handlers dispatch to a PostgreSQL transport on the same database are inserted in
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
 *   buses: { "messenger.bus.default": { middleware: [new PostgresTransactionMiddleware(pool)] } },
 *   // ...
 * });
 * ```
 */
export class PostgresTransactionMiddleware implements Middleware {
  readonly #source: PostgresPoolSource;

  /**
   * @param source the pool to take connections from; a PostgresTransport (its shared pool), or a
   * function returning either, for when the transport is built after the middleware.
   */
  constructor(source: PostgresPoolSource) {
    this.#source = source;
  }

  async handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const pool = this.#pool();
    const outer = postgresTransactionContext.getStore();
    if (outer && outer.pool === pool) return this.#inSavepoint(outer, envelope, stack);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw new TransportError(
        `PostgresTransactionMiddleware could not get a connection: ${message(error)}`,
        {
          cause: error,
        },
      );
    }
    let broken: Error | undefined;
    // Held while handlers run: a connection that drops meanwhile emits 'error', which must not
    // crash the process; the handlers' next query (or COMMIT) fails instead.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on("error", onError);
    try {
      await driver("begin a transaction", () => client.query("BEGIN"));
      const context: PostgresTransactionContext = { client, pool, depth: 0 };
      const result = await postgresTransactionContext.run(context, () =>
        stack.next().handle(envelope, stack),
      );
      await driver("commit", () => client.query("COMMIT"));
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw withoutHandledStamps(error);
    } finally {
      // A connection whose ROLLBACK failed is in an unknown state: the pool must not hand it out again.
      client.off("error", onError);
      client.release(broken);
    }
  }

  async #inSavepoint(outer: PostgresTransactionContext, envelope: Envelope, stack: Stack): Promise<Envelope> {
    const depth = outer.depth + 1;
    const savepoint = `messenger_${depth}`;
    await outer.client.query(`SAVEPOINT ${savepoint}`);
    try {
      const context: PostgresTransactionContext = { ...outer, depth };
      const result = await postgresTransactionContext.run(context, () =>
        stack.next().handle(envelope, stack),
      );
      await outer.client.query(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (error) {
      await outer.client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
      throw withoutHandledStamps(error);
    }
  }

  #pool(): pg.Pool {
    const source = typeof this.#source === "function" ? this.#source() : this.#source;
    return isPool(source) ? source : source.pool;
  }
}

/** BEGIN and COMMIT failures are the database's, not the handlers': report them as transport errors. */
async function driver(operation: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new TransportError(`PostgresTransactionMiddleware could not ${operation}: ${message(error)}`, {
      cause: error,
    });
  }
}

function isPool(value: pg.Pool | { readonly pool: pg.Pool }): value is pg.Pool {
  return typeof (value as pg.Pool).connect === "function" && typeof (value as pg.Pool).query === "function";
}

/** The rolled-back handlers' work is gone: a retry must run them all again. */
function withoutHandledStamps(error: unknown): unknown {
  if (!(error instanceof HandlerFailedError)) return error;
  return new HandlerFailedError(error.envelope.withoutAll(HandledStamp), error.errorsByHandler);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
