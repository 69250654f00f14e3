import { NonSendableStamp } from "@messenger-ts/core";
import type { Connection } from "mysql2/promise";

/**
 * Sends the message through the caller's own connection, inside the transaction it has open: the
 * message exists only if that transaction commits (the outbox). Process-local, never serialised.
 *
 * @example
 * ```ts
 * const connection = await pool.getConnection();
 * await connection.beginTransaction();
 * await connection.query("INSERT INTO orders (id) VALUES (?)", [orderId]);
 * await bus.dispatch(new OrderPlaced(orderId), [new MysqlTransactionStamp(connection)]);
 * await connection.commit(); // the message and the order, or neither
 * connection.release();
 * ```
 */
export class MysqlTransactionStamp extends NonSendableStamp {
  constructor(readonly connection: Connection) {
    super();
  }
}
