import { NonSendableStamp } from "@messenger-ts/core";

/**
 * Marks an envelope read from a Redis transport and says where it lives: ack, reject and keepalive
 * act on it. Process-local: a copy sent elsewhere (retry, failure transport) drops it.
 */
export class RedisReceivedStamp extends NonSendableStamp {
  constructor(
    /**
     * The stream entry id (`<ms>-<seq>`), or the delayed message's id while it waits in the delayed
     * set; prefixed with `p<priority>:` above priority 0 (see redis-message-id.ts).
     */
    readonly id: string,
    /** The stream's key: ids of two streams overlap, so an ack must not cross them. */
    readonly stream: string,
    /**
     * True when get() delivered it to this consumer (it is in the consumer group's pending list);
     * false for an envelope from all() / find(), which ack and reject remove wherever it is.
     */
    readonly claimed: boolean,
    /** Where a listed message is: the stream, or the delayed set (not due yet). */
    readonly location: "stream" | "delayed" = "stream",
    /** The token under which the message holds its deduplication key, if it holds one. */
    readonly deduplicationToken?: string,
  ) {
    super();
  }
}
