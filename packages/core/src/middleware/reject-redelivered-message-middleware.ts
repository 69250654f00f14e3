import type { Envelope } from "../envelope/envelope.js";
import { RejectRedeliveredMessageError } from "../errors/reject-redelivered-message-error.js";
import { ConsumedByWorkerStamp } from "../stamps/consumed-by-worker-stamp.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "./application-dispatch-shortcut.js";
import type { Middleware, Stack } from "./middleware.js";
import { shortcutUnlessOverridden } from "./shortcut-unless-overridden.js";

/** It only looks at envelopes consumed by a worker. */
const SHORTCUT: ApplicationDispatchShortcut = { skippable: true };

/**
 * A received stamp of a broker that redelivers unacknowledged messages on its own (AMQP-like)
 * implements this, so the bus can tell a broker redelivery from a first delivery.
 */
export interface BrokerRedeliveryAware {
  readonly isRedeliveredByBroker: boolean;
}

function isRedelivered(stamp: object): boolean {
  return (stamp as Partial<BrokerRedeliveryAware>).isRedeliveredByBroker === true;
}

/**
 * Refuses a message the broker redelivered because its consumer died before acknowledging it:
 * the worker rejects it and the retry logic decides, instead of an endless broker loop. None of
 * the built-in transports redeliver this way (they re-claim after a timeout), so the check only
 * looks at worker-consumed envelopes and costs nothing on dispatch.
 */
export class RejectRedeliveredMessageMiddleware implements Middleware {
  get [applicationDispatchShortcut](): ApplicationDispatchShortcut | undefined {
    return shortcutUnlessOverridden(this, RejectRedeliveredMessageMiddleware, SHORTCUT);
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    // Every stamp in a flat scan: grouping them (envelope.all()) would build a map per message.
    if (envelope.has(ConsumedByWorkerStamp) && envelope.stamps().some(isRedelivered)) {
      return Promise.reject(
        new RejectRedeliveredMessageError(
          "Redelivered message from the broker was rejected to avoid an infinite redelivery loop.",
        ),
      );
    }
    return stack.next().handle(envelope, stack);
  }
}
