import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool, PoolConnection } from "mysql2/promise";

/** The transaction the MysqlTransactionMiddleware opened for the message being handled. */
export interface MysqlTransactionContext {
  readonly connection: PoolConnection;
  /** The pool the connection came from: a transport on the same pool joins the transaction at once. */
  readonly pool: Pool;
  /** Nesting depth: dispatches from inside a handler run in savepoints of the same transaction. */
  readonly depth: number;
}

/**
 * Set only while the opt-in transaction middleware runs a message's handlers; without it nothing
 * is stored and sends go through the transport's own pool.
 */
export const mysqlTransactionContext = new AsyncLocalStorage<MysqlTransactionContext>();

/**
 * The connection of the transaction `MysqlTransactionMiddleware` opened for the message being
 * handled, or undefined outside one. Handlers write through it so their writes commit or roll
 * back with the message's other effects (and with the messages they dispatch).
 *
 * @example
 * ```ts
 * defineHandler(PlaceOrder, async function placeOrder(message) {
 *   await currentMysqlConnection()!.query("INSERT INTO orders (id) VALUES (?)", [message.id]);
 * });
 * ```
 */
export function currentMysqlConnection(): PoolConnection | undefined {
  return mysqlTransactionContext.getStore()?.connection;
}
