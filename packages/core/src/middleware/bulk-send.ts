import type { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { LogicError } from "../errors/logic-error.js";
import { type BulkSendCollector, BulkSendStamp } from "../stamps/bulk-send-stamp.js";
import { isBulkSender } from "../transport/capabilities/bulk-sender.js";
import type { Sender } from "../transport/sender.js";

/** One transport's part, in dispatch order: `envelopes` goes to `sendMany()` as it is. */
interface TransportBatch {
  readonly sender: Sender;
  readonly envelopes: Envelope[];
  /** What `sendMany()` returned, one per envelope; set once sent. */
  results: readonly Envelope[] | undefined;
}

/** Where one send of a message is: its transport's batch, and its place there. */
interface Send {
  readonly batch: TransportBatch;
  readonly position: number;
}

/**
 * The sends of one `dispatchMany()`: collected from the send step while the middleware run, then
 * sent one transport at a time (in the order each transport was first routed to), in one
 * `sendMany()` each, the messages in dispatch order. A transport that is not a `BulkSender` gets
 * them one `send()` at a time, in order.
 *
 * A bulk dispatch collects thousands of messages, each usually to one transport, so nothing is
 * allocated per message beyond its place in a few arrays indexed by its position in the call.
 */
export class BulkSend implements BulkSendCollector {
  #open = true;
  readonly #batches = new Map<string, TransportBatch>();
  /** The last transport collected for: a run of messages to one transport skips the map. */
  #lastName: string | undefined;
  #lastBatch: TransportBatch | undefined;
  /** By message index: what the send step returned (its last envelope collected); none when unsent. */
  readonly #returned: (Envelope | undefined)[] = [];
  /** By message index: its first send. */
  readonly #firstBatch: (TransportBatch | undefined)[] = [];
  readonly #firstPosition: number[] = [];
  /** The sends after the first of a message routed to several transports, in routing order. */
  readonly #moreSends = new Map<number, Send[]>();

  collect(index: number, transportName: string, sender: Sender, envelope: Envelope): boolean {
    if (!this.#open) return false;
    let batch = transportName === this.#lastName ? this.#lastBatch : this.#batches.get(transportName);
    if (batch === undefined) {
      batch = { sender, envelopes: [], results: undefined };
      this.#batches.set(transportName, batch);
    }
    this.#lastName = transportName;
    this.#lastBatch = batch;
    const position = batch.envelopes.push(envelope) - 1;
    if (this.#returned[index] === undefined) {
      this.#firstBatch[index] = batch;
      this.#firstPosition[index] = position;
    } else {
      const more = this.#moreSends.get(index);
      if (more === undefined) this.#moreSends.set(index, [{ batch, position }]);
      else more.push({ batch, position });
    }
    this.#returned[index] = envelope;
    return true;
  }

  /** No more collecting: a late send step (a message dispatched after the current bus) sends at once. */
  close(): void {
    this.#open = false;
  }

  /** Sends what was collected; the first transport that fails stops the rest (see dispatchMany). */
  async send(): Promise<void> {
    this.close();
    for (const [name, batch] of this.#batches) {
      const { sender, envelopes } = batch;
      const sent = isBulkSender(sender)
        ? await sender.sendMany(envelopes)
        : await oneByOne(sender, envelopes);
      if (sent.length !== envelopes.length) {
        throw new LogicError(
          `Transport "${name}" returned ${sent.length} envelope(s) from sendMany() for ${envelopes.length} sent; a BulkSender returns one per envelope, in order.`,
          { code: "INVALID_BULK_SEND_RESULT" },
        );
      }
      batch.results = sent;
    }
  }

  /**
   * The message at `index` as its dispatch returned it, with what its transports added (their
   * ids): usually just what its last transport returned.
   */
  result<T extends object>(index: number, dispatched: Envelope<T>): Envelope<T> {
    const returned = this.#returned[index];
    if (returned === undefined) return dispatched.withoutAll(BulkSendStamp);
    const batch = this.#firstBatch[index]!;
    const position = this.#firstPosition[index]!;
    const more = this.#moreSends.size === 0 ? undefined : this.#moreSends.get(index);
    if (more === undefined) {
      // One transport, and nothing changed the envelope on the way back: its envelope is the whole story.
      const final = batch.results![position]! as Envelope<T>;
      if (dispatched === returned) return final;
      return dispatched.withoutAll(BulkSendStamp).with(...added(batch.envelopes[position]!, final));
    }
    const sends: Send[] = [{ batch, position }, ...more];
    const last = sends[sends.length - 1]!;
    const earlier: Stamp[] = [];
    for (let k = 0; k < sends.length - 1; k++) earlier.push(...addedBy(sends[k]!));
    if (dispatched === returned) {
      const final = last.batch.results![last.position]! as Envelope<T>;
      return final.with(...earlier);
    }
    return dispatched.withoutAll(BulkSendStamp).with(...earlier, ...addedBy(last));
  }
}

function addedBy({ batch, position }: Send): Stamp[] {
  return added(batch.envelopes[position]!, batch.results![position]!);
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
