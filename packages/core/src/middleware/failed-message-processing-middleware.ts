import type { Envelope } from "../envelope/envelope.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";
import { SentToFailureTransportStamp } from "../stamps/sent-to-failure-transport-stamp.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "./application-dispatch-shortcut.js";
import type { Middleware, Stack } from "./middleware.js";
import { shortcutUnlessOverridden } from "./shortcut-unless-overridden.js";

/** It only looks at received envelopes. */
const SHORTCUT: ApplicationDispatchShortcut = { skippable: true };

/**
 * A message consumed from a failure transport is handled as if it came from its original
 * transport, so handlers bound with `fromTransport` run again.
 */
export class FailedMessageProcessingMiddleware implements Middleware {
  get [applicationDispatchShortcut](): ApplicationDispatchShortcut | undefined {
    return shortcutUnlessOverridden(this, FailedMessageProcessingMiddleware, SHORTCUT);
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const sentToFailure = envelope.last(SentToFailureTransportStamp);
    if (sentToFailure && envelope.has(ReceivedStamp)) {
      envelope = envelope.with(new ReceivedStamp(sentToFailure.originalReceiverName));
    }
    return stack.next().handle(envelope, stack);
  }
}
