import { NonSendableStamp } from "../envelope/stamp.js";

/**
 * Set by a receiver on an envelope it has now delivered more often than its delivery limit
 * without an acknowledgement: every earlier delivery ended with the worker gone (a handler that
 * exited the process, an out-of-memory kill, a hang that was killed). The worker does not hand it
 * to a handler again; it fails it with `DeliveryLimitExceededError`, which sends it to the failure
 * transport. Never stored: a message retried from the failure transport starts counting afresh.
 */
export class DeliveryLimitExceededStamp extends NonSendableStamp {
  constructor(
    /** This delivery's number, counting the first one (so at least `limit + 1`). */
    readonly deliveries: number,
    /** The transport's `deliveryLimit`. */
    readonly limit: number,
  ) {
    super();
  }
}
