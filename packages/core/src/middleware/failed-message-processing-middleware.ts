import type { Envelope } from "../envelope/envelope.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";
import { SentToFailureTransportStamp } from "../stamps/sent-to-failure-transport-stamp.js";
import type { Middleware, Stack } from "./middleware.js";

/**
 * A message consumed from a failure transport is handled as if it came from its original
 * transport, so handlers bound with `fromTransport` run again.
 */
export class FailedMessageProcessingMiddleware implements Middleware {
  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const sentToFailure = envelope.last(SentToFailureTransportStamp);
    if (sentToFailure && envelope.has(ReceivedStamp)) {
      envelope = envelope.with(new ReceivedStamp(sentToFailure.originalReceiverName));
    }
    return stack.next().handle(envelope, stack);
  }
}
