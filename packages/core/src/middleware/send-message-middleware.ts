import type { Envelope } from "../envelope/envelope.js";
import { NoSenderForMessageError } from "../errors/no-sender-for-message-error.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { SendMessageToTransportsEvent } from "../events/send-message-to-transports-event.js";
import type { SendersLocator } from "../routing/senders-locator.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";
import { SentStamp } from "../stamps/sent-stamp.js";
import type { Middleware, Stack } from "./middleware.js";

/**
 * Sends the message to the transports routing names for it. Once it went to at least one, the
 * chain stops: the message is handled later, by a worker. A received message is never sent again.
 */
export class SendMessageMiddleware implements Middleware {
  constructor(
    private readonly senders: SendersLocator,
    private readonly events?: EventDispatcher,
    private readonly allowNoSenders = true,
  ) {}

  async handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    if (envelope.has(ReceivedStamp)) return stack.next().handle(envelope, stack);
    const senders = this.senders.getSenders(envelope);
    if (senders.size === 0) {
      if (!this.allowNoSenders) {
        throw new NoSenderForMessageError(
          `No sender for message "${envelope.message.constructor?.name ?? "message"}": route it to a transport, or allow no senders on this bus.`,
        );
      }
      return stack.next().handle(envelope, stack);
    }
    if (this.events?.hasListeners(SendMessageToTransportsEvent)) {
      const event = await this.events.dispatch(new SendMessageToTransportsEvent(envelope, senders));
      envelope = event.envelope;
    }
    for (const [name, sender] of senders) {
      envelope = await sender.send(envelope.with(new SentStamp(sender.constructor.name, name)));
    }
    return envelope;
  }
}
