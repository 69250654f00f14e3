import type { Envelope } from "../envelope/envelope.js";
import { NoSenderForMessageError } from "../errors/no-sender-for-message-error.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { SendMessageToTransportsEvent } from "../events/send-message-to-transports-event.js";
import type { SendersLocator } from "../routing/senders-locator.js";
import { BulkSendStamp } from "../stamps/bulk-send-stamp.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";
import { SentStamp } from "../stamps/sent-stamp.js";
import type { Sender } from "../transport/sender.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "./application-dispatch-shortcut.js";
import type { MessengerInstrumentation } from "./messenger-instrumentation.js";
import type { Middleware, Stack } from "./middleware.js";
import { shortcutUnlessOverridden } from "./shortcut-unless-overridden.js";

/**
 * Sends the message to the transports routing names for it. Once it went to at least one, the
 * chain stops: the message is handled later, by a worker. A received message is never sent again.
 */
export class SendMessageMiddleware implements Middleware {
  /**
   * Routing decides by message class for a message dispatched without stamps: when there is no
   * transport for it (and that is allowed), this step hands it on unchanged, so the dispatch is
   * whatever the rest of the stack does.
   */
  readonly #shortcut: ApplicationDispatchShortcut = {
    directCall: (envelope, rest) => (rest !== null && this.#handsOnUnsent(envelope) ? rest : undefined),
  };

  /** Per transport name: its sender and the sent stamp every envelope sent to it shares. */
  readonly #sentStamps = new Map<string, { readonly sender: Sender; readonly stamp: SentStamp }>();

  constructor(
    private readonly senders: SendersLocator,
    private readonly events?: EventDispatcher,
    private readonly allowNoSenders = true,
    private readonly instrumentation?: MessengerInstrumentation,
  ) {}

  get [applicationDispatchShortcut](): ApplicationDispatchShortcut | undefined {
    return shortcutUnlessOverridden(this, SendMessageMiddleware, this.#shortcut);
  }

  // Not async: the common paths (received, or nothing to send) hand on the next promise as is.
  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    if (envelope.has(ReceivedStamp)) return stack.next().handle(envelope, stack);
    let senders: ReadonlyMap<string, Sender>;
    try {
      senders = this.senders.getSenders(envelope);
    } catch (error) {
      return Promise.reject(error);
    }
    if (senders.size === 0) {
      if (!this.allowNoSenders) {
        return Promise.reject(
          new NoSenderForMessageError(
            `No sender for message "${envelope.message.constructor?.name ?? "message"}": route it to a transport, or allow no senders on this bus.`,
          ),
        );
      }
      return stack.next().handle(envelope, stack);
    }
    return this.#send(envelope, senders);
  }

  /** True when `handle()` would hand this envelope on unchanged; a throw is left to the stack. */
  #handsOnUnsent(envelope: Envelope): boolean {
    if (envelope.has(ReceivedStamp)) return true;
    return this.senders.getSenders(envelope).size === 0 && this.allowNoSenders;
  }

  // Not async when no listener is there: a bulk dispatch collects thousands of messages here.
  #send(envelope: Envelope, senders: ReadonlyMap<string, Sender>): Promise<Envelope> {
    if (this.events?.hasListeners(SendMessageToTransportsEvent))
      return this.#sendAfterEvent(envelope, senders);
    return this.#sendOrCollect(envelope, senders);
  }

  async #sendAfterEvent(envelope: Envelope, senders: ReadonlyMap<string, Sender>): Promise<Envelope> {
    const event = await this.events!.dispatch(new SendMessageToTransportsEvent(envelope, senders));
    return this.#sendOrCollect(event.envelope, senders);
  }

  #sendOrCollect(envelope: Envelope, senders: ReadonlyMap<string, Sender>): Promise<Envelope> {
    const bulk = envelope.last(BulkSendStamp);
    if (bulk === undefined) return this.#sendNow(envelope, senders);
    try {
      // Part of a dispatchMany(): the bus sends it later, with the others, in one round trip per
      // transport. Each transport gets the sent stamps of the ones before it, as below. The
      // bus's bookkeeping stamp goes no further: neither stored nor returned.
      let collected = envelope.withoutAll(BulkSendStamp);
      for (const [name, sender] of senders) {
        const sent = collected.with(this.#sentStamp(name, sender));
        if (!bulk.collector.collect(bulk.index, name, sender, sent)) return this.#sendNow(envelope, senders);
        collected = sent;
      }
      return Promise.resolve(collected);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One sent stamp per transport, not one per message (stamps are immutable). */
  #sentStamp(name: string, sender: Sender): SentStamp {
    const known = this.#sentStamps.get(name);
    if (known?.sender === sender) return known.stamp;
    const stamp = new SentStamp(sender.constructor.name, name);
    this.#sentStamps.set(name, { sender, stamp });
    return stamp;
  }

  async #sendNow(envelope: Envelope, senders: ReadonlyMap<string, Sender>): Promise<Envelope> {
    const instrumentation = this.instrumentation?.active() ? this.instrumentation : undefined;
    for (const [name, sender] of senders) {
      const sent = envelope.with(this.#sentStamp(name, sender));
      envelope = instrumentation
        ? await instrumentation.send(sent, name, (e) => sender.send(e))
        : await sender.send(sent);
    }
    return envelope;
  }
}
