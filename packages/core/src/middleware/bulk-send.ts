import type { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { LogicError } from "../errors/logic-error.js";
import { type BulkSendCollector, BulkSendStamp } from "../stamps/bulk-send-stamp.js";
import { isBulkSender } from "../transport/capabilities/bulk-sender.js";
import type { Sender } from "../transport/sender.js";

interface TransportBatch {
  readonly sender: Sender;
  /** Message positions and what to send, in dispatch order. */
  readonly entries: { readonly index: number; readonly envelope: Envelope }[];
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
  /** Per message position: the stamps each of its transports added (their ids), in routing order. */
  readonly #added = new Map<number, Stamp[]>();

  collect(index: number, transportName: string, sender: Sender, envelope: Envelope): boolean {
    if (!this.#open) return false;
    let batch = this.#batches.get(transportName);
    if (batch === undefined) {
      batch = { sender, entries: [] };
      this.#batches.set(transportName, batch);
    }
    batch.entries.push({ index, envelope: envelope.withoutAll(BulkSendStamp) });
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
      entries.forEach((entry, i) => {
        const before = new Set(entry.envelope.stamps());
        const added = sent[i]!.stamps().filter((stamp) => !before.has(stamp));
        const list = this.#added.get(entry.index) ?? [];
        list.push(...added);
        this.#added.set(entry.index, list);
      });
    }
  }

  /** The message at `index` as its dispatch returned it, with what its transports added. */
  result<T extends object>(index: number, dispatched: Envelope<T>): Envelope<T> {
    const envelope = dispatched.withoutAll(BulkSendStamp);
    const added = this.#added.get(index);
    return added === undefined ? envelope : envelope.with(...added);
  }
}

async function oneByOne(sender: Sender, envelopes: readonly Envelope[]): Promise<Envelope[]> {
  const sent: Envelope[] = [];
  for (const envelope of envelopes) sent.push(await sender.send(envelope));
  return sent;
}
