import type { Envelope } from "../envelope/envelope.js";
import { UnrecoverableMessageHandlingError } from "../errors/unrecoverable-message-handling-error.js";
import { UndecodableMessage } from "../serialization/undecodable-message.js";
import type { Middleware, Stack } from "./middleware.js";

/**
 * A message that could not be decoded reaches the bus as an undecodable-message placeholder. It
 * fails here, as unrecoverable, so the worker sends it (raw body kept) to the failure transport
 * instead of crashing or dropping it. Symfony 7.2 loses such messages.
 */
export class DecodeFailedMessageMiddleware implements Middleware {
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
