import { NonSendableStamp } from "@messenger-ts/core";

/**
 * Marks an envelope read from an SQLite transport: the row it came from. Acknowledging, rejecting
 * and keepalive use this id rather than the last TransportMessageIdStamp, which a message that
 * moved between transports may have been given by another one. Process-local, never serialised.
 */
export class SqliteReceivedStamp extends NonSendableStamp {
  constructor(
    /** The row id in the transport's table. */
    readonly id: number,
    /** The queue the row was read from (it may be any of them after `getFromQueues`). */
    readonly queueName: string,
  ) {
    super();
  }
}
