import type { Envelope } from "../envelope/envelope.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { MessageDeduplicatedEvent } from "../events/message-deduplicated-event.js";
import { DeduplicateStamp } from "../stamps/deduplicate-stamp.js";
import { DeduplicatedStamp } from "../stamps/deduplicated-stamp.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "./application-dispatch-shortcut.js";
import type { Middleware, Stack } from "./middleware.js";
import { shortcutUnlessOverridden } from "./shortcut-unless-overridden.js";

/**
 * A dispatch without stamps has no `DeduplicateStamp`: this step hands it on unchanged, so the
 * dispatch is whatever the rest of the stack does (and the bus's direct call stays possible).
 */
const SHORTCUT: ApplicationDispatchShortcut = {
  directCall: (envelope, rest) => (rest !== null && !envelope.has(DeduplicateStamp) ? rest : undefined),
};

/**
 * Symfony's DeduplicateMiddleware, with the lock moved into the transports: holding the key and
 * storing the message are one atomic step in the backend (a unique index, a Lua script), so two
 * producers cannot both store. This middleware sits before sending and tells: when a transport
 * deduplicated the message, it dispatches a {@link MessageDeduplicatedEvent}; the envelope
 * `dispatch()` returns carries the transports' `DeduplicatedStamp`s.
 */
export class DeduplicateMiddleware implements Middleware {
  constructor(private readonly events?: EventDispatcher) {}

  get [applicationDispatchShortcut](): ApplicationDispatchShortcut | undefined {
    return shortcutUnlessOverridden(this, DeduplicateMiddleware, SHORTCUT);
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    if (!envelope.has(DeduplicateStamp) || envelope.has(ReceivedStamp)) {
      return stack.next().handle(envelope, stack);
    }
    return this.#tell(envelope, stack);
  }

  async #tell(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const before = envelope.all(DeduplicatedStamp).length;
    const result = await stack.next().handle(envelope, stack);
    const stamps = result.all(DeduplicatedStamp).slice(before);
    if (stamps.length > 0 && this.events?.hasListeners(MessageDeduplicatedEvent)) {
      await this.events.dispatch(new MessageDeduplicatedEvent(result, stamps));
    }
    return result;
  }
}
