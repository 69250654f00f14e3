import { MessengerError } from "./messenger-error.js";
import { RETRYABLE, type RetryMarked } from "./retry-marker.js";

/**
 * A message was delivered more often than its transport's delivery limit without being
 * acknowledged or rejected: its handler kept crashing or hanging the worker. It is a poison
 * message; it goes to the failure transport, never to a handler again, and is not retried.
 */
export class DeliveryLimitExceededError extends MessengerError implements RetryMarked {
  readonly [RETRYABLE] = false;

  constructor(
    readonly deliveries: number,
    readonly limit: number,
    readonly transportName: string,
  ) {
    super(
      "DELIVERY_LIMIT_EXCEEDED",
      `Message delivered ${deliveries} times by transport "${transportName}" without being acknowledged ` +
        `(delivery limit ${limit}): its handler crashed or hung the worker each time, so it is not handled again. ` +
        "Fix the handler, then retry it from the failure transport.",
    );
  }
}
