import type { Envelope } from "../../envelope/envelope.js";

/**
 * The worker aborted (its grace period ran out, or a second signal) while it held this message:
 * it was neither acknowledged nor rejected, stays claimed, and is delivered again after the
 * transport's redelivery timeout (each delivery counts towards the transport's delivery limit).
 */
export class WorkerMessageAbandonedEvent {
  constructor(
    readonly envelope: Envelope,
    readonly receiverName: string,
  ) {}
}
