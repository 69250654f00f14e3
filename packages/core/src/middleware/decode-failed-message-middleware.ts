import type { Envelope } from "../envelope/envelope.js";
import { UnrecoverableMessageHandlingError } from "../errors/unrecoverable-message-handling-error.js";
import { UndecodableMessage } from "../serialization/undecodable-message.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "./application-dispatch-shortcut.js";
import type { Middleware, Stack } from "./middleware.js";
import { shortcutUnlessOverridden } from "./shortcut-unless-overridden.js";

/** It only looks at undecodable-message placeholders, which receivers create. */
const SHORTCUT: ApplicationDispatchShortcut = { skippable: true };

/**
 * A message that could not be decoded reaches the bus as an undecodable-message placeholder. It
 * fails here, as unrecoverable, so the worker sends it (raw body kept) to the failure transport
 * instead of crashing or dropping it. Symfony 7.2 loses such messages.
 */
export class DecodeFailedMessageMiddleware implements Middleware {
  get [applicationDispatchShortcut](): ApplicationDispatchShortcut | undefined {
    return shortcutUnlessOverridden(this, DecodeFailedMessageMiddleware, SHORTCUT);
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const message = envelope.message;
    if (message instanceof UndecodableMessage) {
      return Promise.reject(
        new UnrecoverableMessageHandlingError(`Message could not be decoded: ${message.reason}`),
      );
    }
    return stack.next().handle(envelope, stack);
  }
}
