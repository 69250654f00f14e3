import { NonSendableStamp } from "@messenger-ts/core";
import type pg from "pg";

/**
 * Sends the message through the caller's own connection, inside the transaction it has open: the
 * message exists only if that transaction commits (the outbox). Process-local, never serialised.
 *
 * @example
 * ```ts
 * const client = await pool.connect();
 * await client.query("BEGIN");
 * await client.query("INSERT INTO orders (id) VALUES ($1)", [orderId]);
 * await bus.dispatch(new OrderPlaced(orderId), [new PostgresTransactionStamp(client)]);
 * await client.query("COMMIT"); // the message and the order, or neither
 * client.release();
 * ```
 */
export class PostgresTransactionStamp extends NonSendableStamp {
  constructor(readonly client: pg.ClientBase) {
    super();
  }
}
