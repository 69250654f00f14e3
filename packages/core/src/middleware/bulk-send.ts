import type { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { LogicError } from "../errors/logic-error.js";
import { type BulkSendCollector, BulkSendStamp } from "../stamps/bulk-send-stamp.js";
import { isBulkSender } from "../transport/capabilities/bulk-sender.js";
import type { Sender } from "../transport/sender.js";

/** One message's sends, in routing order. */
interface MessageSends {
  /** What the send step returned to the middleware before it (the last envelope collected). */
  returned: Envelope;
  /** What went to each transport: the envelope without the bulk-send stamp. */
  readonly sent: Envelope[];
  readonly results: (Envelope | undefined)[];
}

/**
 * One transport's part, in dispatch order. Parallel arrays rather than an object per message: a
 * bulk dispatch collects thousands, and `envelopes` goes to `sendMany()` as it is.
 */
interface TransportBatch {
  readonly sender: Sender;
  readonly envelopes: Envelope[];
  /** Whose envelope each one is, and which of that message's sends. */
  readonly messages: MessageSends[];
  readonly positions: number[];
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
  /** By the message's index in the `dispatchMany()` call; a message nothing sent has none. */
  readonly #messages: (MessageSends | undefined)[] = [];
  /** The last transport collected for: a run of messages to one transport skips the map. */
  #lastName: string | undefined;
  #lastBatch: TransportBatch | undefined;

  collect(index: number, transportName: string, sender: Sender, envelope: Envelope): boolean {
    if (!this.#open) return false;
    let batch = transportName === this.#lastName ? this.#lastBatch : this.#batches.get(transportName);
    if (batch === undefined) {
      batch = { sender, envelopes: [], messages: [], positions: [] };
      this.#batches.set(transportName, batch);
    }
    this.#lastName = transportName;
    this.#lastBatch = batch;
    const toSend = envelope.withoutAll(BulkSendStamp);
    let message = this.#messages[index];
    if (message === undefined) {
      message = { returned: envelope, sent: [toSend], results: [undefined] };
      this.#messages[index] = message;
    } else {
      message.returned = envelope;
      message.sent.push(toSend);
      message.results.push(undefined);
    }
    batch.envelopes.push(toSend);
    batch.messages.push(message);
    batch.positions.push(message.sent.length - 1);
    return true;
  }

  /** No more collecting: a late send step (a message dispatched after the current bus) sends at once. */
  close(): void {
    this.#open = false;
  }

  /** Sends what was collected; the first transport that fails stops the rest (see dispatchMany). */
  async send(): Promise<void> {
    this.close();
    for (const [name, { sender, envelopes, messages, positions }] of this.#batches) {
      const sent = isBulkSender(sender)
        ? await sender.sendMany(envelopes)
        : await oneByOne(sender, envelopes);
      if (sent.length !== envelopes.length) {
        throw new LogicError(
          `Transport "${name}" returned ${sent.length} envelope(s) from sendMany() for ${envelopes.length} sent; a BulkSender returns one per envelope, in order.`,
          { code: "INVALID_BULK_SEND_RESULT" },
        );
      }
      for (let i = 0; i < messages.length; i++) messages[i]!.results[positions[i]!] = sent[i];
    }
  }

  /**
   * The message at `index` as its dispatch returned it, with what its transports added (their
   * ids): usually just what its last transport returned.
   */
  result<T extends object>(index: number, dispatched: Envelope<T>): Envelope<T> {
    const message = this.#messages[index];
    if (message === undefined) return dispatched.withoutAll(BulkSendStamp);
    const last = message.results.length - 1;
    // Nothing changed it on the way back: the last transport's envelope is the whole story.
    if (last === 0 && dispatched === message.returned) return message.results[0]! as Envelope<T>;
    const earlier: Stamp[] = [];
    for (let k = 0; k < last; k++) earlier.push(...added(message.sent[k]!, message.results[k]!));
    if (dispatched === message.returned) {
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
