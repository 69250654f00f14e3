import { AsyncLocalStorage } from "node:async_hooks";
import type pg from "pg";

/** The transaction the PostgresTransactionMiddleware opened for the message being handled. */
export interface PostgresTransactionContext {
  readonly client: pg.PoolClient;
  /** The pool the client came from: a transport on the same pool joins the transaction at once. */
  readonly pool: pg.Pool;
  /** Nesting depth: dispatches from inside a handler run in savepoints of the same transaction. */
  readonly depth: number;
}

/**
 * Set only while the opt-in transaction middleware runs a message's handlers; without it nothing
 * is stored and sends go through the transport's own pool.
 */
export const postgresTransactionContext = new AsyncLocalStorage<PostgresTransactionContext>();

/**
 * The connection of the transaction `PostgresTransactionMiddleware` opened for the message being
 * handled, or undefined outside one. Handlers write through it so their writes commit or roll
 * back with the message's other effects (and with the messages they dispatch).
 *
 * @example
 * ```ts
 * defineHandler(PlaceOrder, async function placeOrder(message) {
 *   await currentPostgresClient()!.query("INSERT INTO orders (id) VALUES ($1)", [message.id]);
 * });
 * ```
 */
export function currentPostgresClient(): pg.PoolClient | undefined {
  return postgresTransactionContext.getStore()?.client;
}
