import { NonSendableStamp } from "@messenger-ts/core";

/**
 * Marks an envelope read from a MySQL transport and holds its row id, which ack, reject and
 * keepalive act on. Process-local: a copy sent elsewhere (retry, failure transport) drops it.
 */
export class MysqlReceivedStamp extends NonSendableStamp {
  constructor(
    /** The row's `id` (a BIGINT, kept as a string so ids above 2^53 stay exact). */
    readonly id: string,
    /** `database.table` the row lives in: ids of two tables overlap, so an ack must not cross them. */
    readonly table: string,
    /**
     * When the claim that delivered it was sent (ms, this process's clock); the database's claim
     * is no older. Failed acks are retried until this + the redelivery timeout (or a keepalive's
     * later deadline). Absent on envelopes listed or found, which no claim holds.
     */
    readonly claimedAt?: number,
  ) {
    super();
  }
}
