import type { Envelope } from "../envelope/envelope.js";
import type { Sender } from "../transport/sender.js";

/**
 * Dispatched once before a message is sent to its transports. Listeners may replace `envelope`
 * (to add stamps, for instance); the senders are keyed by transport name.
 */
export class SendMessageToTransportsEvent {
  constructor(
    public envelope: Envelope,
    readonly senders: ReadonlyMap<string, Sender>,
  ) {}
}
