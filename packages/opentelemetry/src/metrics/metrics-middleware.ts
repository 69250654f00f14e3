import {
  type Clock,
  type Envelope,
  type Middleware,
  ReceivedStamp,
  RedeliveryStamp,
  SentAtStamp,
  SentStamp,
  type Stack,
} from "@messenger-ts/core";
import { messageAttributes } from "./message-attributes.js";
import type { MessengerInstruments } from "./messenger-instruments.js";
import { ATTRIBUTE } from "./metric-names.js";

/**
 * The bus side of the metrics. Put it in a bus's `middleware`; it runs after the default
 * middleware (so the bus name stamp is there) and before send and handle:
 *
 * - a message the application dispatches counts as dispatched, then once per transport the send
 *   middleware sent it to (its new `SentStamp`s);
 * - a message a worker received is timed while the rest of the bus handles it, and its first
 *   delivery records how long it waited since it was sent (`SentAtStamp`).
 *
 * Recording never throws into the dispatch: the instruments of the API are no-ops or in-memory
 * aggregations.
 */
export class MetricsMiddleware implements Middleware {
  constructor(
    readonly instruments: MessengerInstruments,
    /** Wall clock, compared with the producer's `SentAtStamp`. */
    readonly clock: Clock,
  ) {}

  async handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const received = envelope.last(ReceivedStamp);
    if (received) return this.#handleReceived(envelope, stack, received.transportName);

    const attributes = messageAttributes(envelope);
    this.instruments.dispatched.add(1, attributes);
    const sentBefore = envelope.all(SentStamp).length;
    const result = await stack.next().handle(envelope, stack);
    const sent = result.all(SentStamp);
    for (let i = sentBefore; i < sent.length; i++) {
      const transport = sent[i]!.senderAlias;
      if (transport !== null) {
        this.instruments.sent.add(1, { ...attributes, [ATTRIBUTE.transport]: transport });
      }
    }
    return result;
  }

  async #handleReceived(envelope: Envelope, stack: Stack, transport: string): Promise<Envelope> {
    const attributes = messageAttributes(envelope, transport);
    const sentAt = envelope.last(SentAtStamp)?.sentAt;
    // Only the first delivery: a retry or a failure-transport copy keeps the original send time,
    // and its wait would include the retry delays or the days it was parked.
    if (sentAt !== undefined && !envelope.has(RedeliveryStamp)) {
      const waited = Math.max(0, this.clock.now() - sentAt);
      this.instruments.sendToHandleDuration.record(waited / 1000, attributes);
    }
    // A monotonic clock with sub-millisecond precision: handling often takes less than 1 ms.
    const started = performance.now();
    let outcome = "failed";
    try {
      const result = await stack.next().handle(envelope, stack);
      outcome = "handled";
      return result;
    } finally {
      this.instruments.handlingDuration.record((performance.now() - started) / 1000, {
        ...attributes,
        [ATTRIBUTE.outcome]: outcome,
      });
    }
  }
}
