import type { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { LogicError } from "../errors/logic-error.js";
import { type BulkSendCollector, BulkSendStamp } from "../stamps/bulk-send-stamp.js";
import { isBulkSender } from "../transport/capabilities/bulk-sender.js";
import type { Sender } from "../transport/sender.js";

interface Entry {
  readonly index: number;
  /** What goes to the transport: the envelope without the bulk-send stamp. */
  readonly envelope: Envelope;
}

interface TransportBatch {
  readonly sender: Sender;
  /** In dispatch order. */
  readonly entries: Entry[];
}

/** One message's sends, in routing order. */
interface MessageSends {
  /** What the send step returned to the middleware before it (the last envelope collected). */
  returned: Envelope;
  readonly sent: Envelope[];
  readonly results: (Envelope | undefined)[];
}

/**
 * The sends of one `dispatchMany()`: collected from the send step while the middleware run, then
 * sent one transport at a time (in the order each transport was first routed to), in one
 * `sendMany()` each, the messages in dispatch order. A transport that is not a `BulkSender` gets
 * them one `send()` at a time, in order.
 */
export class BulkSend implements BulkSendCollector {
  #open = true;
  readonly #batches = new Map<string, TransportBatch>();
  readonly #messages = new Map<number, MessageSends>();

  collect(index: number, transportName: string, sender: Sender, envelope: Envelope): boolean {
    if (!this.#open) return false;
    let batch = this.#batches.get(transportName);
    if (batch === undefined) {
      batch = { sender, entries: [] };
      this.#batches.set(transportName, batch);
    }
    const toSend = envelope.withoutAll(BulkSendStamp);
    batch.entries.push({ index, envelope: toSend });
    const message = this.#messages.get(index);
    if (message === undefined) {
      this.#messages.set(index, { returned: envelope, sent: [toSend], results: [undefined] });
    } else {
      message.returned = envelope;
      message.sent.push(toSend);
      message.results.push(undefined);
    }
    return true;
  }

  /** No more collecting: a late send step (a message dispatched after the current bus) sends at once. */
  close(): void {
    this.#open = false;
  }

  /** Sends what was collected; the first transport that fails stops the rest (see dispatchMany). */
  async send(): Promise<void> {
    this.close();
    for (const [name, { sender, entries }] of this.#batches) {
      const envelopes = entries.map((entry) => entry.envelope);
      const sent = isBulkSender(sender)
        ? await sender.sendMany(envelopes)
        : await oneByOne(sender, envelopes);
      if (sent.length !== envelopes.length) {
        throw new LogicError(
          `Transport "${name}" returned ${sent.length} envelope(s) from sendMany() for ${envelopes.length} sent; a BulkSender returns one per envelope, in order.`,
          { code: "INVALID_BULK_SEND_RESULT" },
        );
      }
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        const message = this.#messages.get(entry.index)!;
        message.results[message.sent.indexOf(entry.envelope)] = sent[i];
      }
    }
  }

  /**
   * The message at `index` as its dispatch returned it, with what its transports added (their
   * ids): usually just what its last transport returned.
   */
  result<T extends object>(index: number, dispatched: Envelope<T>): Envelope<T> {
    const message = this.#messages.get(index);
    if (message === undefined) return dispatched.withoutAll(BulkSendStamp);
    const last = message.results.length - 1;
    const earlier: Stamp[] = [];
    for (let k = 0; k < last; k++) earlier.push(...added(message.sent[k]!, message.results[k]!));
    if (dispatched === message.returned) {
      // Nothing changed it on the way back: the last transport's envelope is the whole story.
      const final = message.results[last]! as Envelope<T>;
      return earlier.length === 0 ? final : final.with(...earlier);
    }
    return dispatched
      .withoutAll(BulkSendStamp)
      .with(...earlier, ...added(message.sent[last]!, message.results[last]!));
  }
}

/** The stamps a transport added to the envelope it was given (its id), usually appended. */
function added(before: Envelope, after: Envelope): Stamp[] {
  const given = before.stamps();
  const returned = after.stamps();
  let same = returned.length >= given.length;
  for (let i = 0; same && i < given.length; i++) same = given[i] === returned[i];
  if (same) return returned.slice(given.length);
  const kept = new Set(given);
  return returned.filter((stamp) => !kept.has(stamp));
}

async function oneByOne(sender: Sender, envelopes: readonly Envelope[]): Promise<Envelope[]> {
  const sent: Envelope[] = [];
  for (const envelope of envelopes) sent.push(await sender.send(envelope));
  return sent;
}
