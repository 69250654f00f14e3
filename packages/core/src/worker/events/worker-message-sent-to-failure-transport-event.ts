import type { Envelope } from "../../envelope/envelope.js";

/**
 * A failed message that will not be retried was sent to its transport's failure transport. The
 * envelope is the copy that was sent; `receiverName` is the transport it failed on.
 */
export class WorkerMessageSentToFailureTransportEvent {
  constructor(
    readonly envelope: Envelope,
    readonly receiverName: string,
    readonly failureTransportName: string,
  ) {}
}
