import {
  type BulkSender,
  type Clock,
  type CloseableTransport,
  DelayStamp,
  decodeOrUndecodable,
  type EncodedEnvelope,
  type Envelope,
  InvalidArgumentError,
  type KeepaliveReceiver,
  type ListableReceiver,
  LogicError,
  type MessageCountAware,
  type Serializer,
  type SetupableTransport,
  systemClock,
  type Transport,
  TransportMessageIdStamp,
} from "@messenger-ts/core";

/** Options of {@link InMemoryTransport}; the `in-memory://` DSN is a front end to them. */
export interface InMemoryTransportOptions {
  /**
   * Encode every stored envelope with `serializer` and decode it when it is read back, as a real
   * transport would. Turn it on in tests to catch messages or stamps that do not survive the wire.
   * @defaultValue false
   */
  readonly serialize?: boolean;
  /** Decides when a delayed message becomes available. @defaultValue systemClock */
  readonly clock?: Clock;
  /** Required when `serialize` is true. */
  readonly serializer?: Serializer;
}

/** One stored message: exactly one of `envelope` (plain mode) or `encoded` (serialize mode) is set. */
interface StoredMessage {
  readonly id: number;
  readonly availableAt: number;
  readonly envelope?: Envelope;
  readonly encoded?: EncodedEnvelope;
  /** Set by get(); a claimed message is never handed out again, so concurrent consumers never share one. */
  claimed: boolean;
}

/**
 * A transport that keeps messages in process memory: the transport for tests and for development
 * without infrastructure, and the reference implementation of the transport conformance suite.
 *
 * Differences from Symfony's InMemoryTransport, on purpose:
 * - delays keep millisecond precision, and a message is available from the instant it is due;
 * - `get()` claims what it returns, so two consumers never receive the same message (Symfony returns
 *   every queued message on every call until it is acked). There is no redelivery timeout: a claimed
 *   message stays claimed until it is acked, rejected or the transport is reset.
 *
 * Nothing is durable: messages live as long as this object.
 */
export class InMemoryTransport
  implements
    Transport,
    SetupableTransport,
    MessageCountAware,
    ListableReceiver,
    KeepaliveReceiver,
    BulkSender,
    CloseableTransport
{
  readonly #clock: Clock;
  readonly #serializer: Serializer | undefined;
  /** Stored messages by id; Map iteration order is insertion order, which is id order. */
  readonly #queue = new Map<number, StoredMessage>();
  #sent: StoredMessage[] = [];
  #acknowledged: Envelope[] = [];
  #rejected: Envelope[] = [];
  /** Never reset: an envelope received before `reset()` must not match a message sent after it. */
  #nextId = 1;

  constructor(options: InMemoryTransportOptions = {}) {
    if (options.serialize && !options.serializer) {
      throw new InvalidArgumentError(
        "InMemoryTransport with serialize: true needs a serializer to encode and decode the messages.",
        { code: "MISSING_SERIALIZER" },
      );
    }
    this.#clock = options.clock ?? systemClock;
    this.#serializer = options.serialize ? options.serializer : undefined;
  }

  /** True when stored envelopes go through the serializer. */
  get serializes(): boolean {
    return this.#serializer !== undefined;
  }

  async send(envelope: Envelope): Promise<Envelope> {
    const [stored, sent] = this.#prepare(envelope);
    this.#store(stored);
    return sent;
  }

  /** All or none: every envelope is encoded before any is stored, so an encoding error stores nothing. */
  async sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]> {
    const prepared = envelopes.map((envelope) => this.#prepare(envelope));
    for (const [stored] of prepared) this.#store(stored);
    return prepared.map(([, sent]) => sent);
  }

  /**
   * Claims and returns the messages that are due, earliest due first (then in send order).
   * @param limit claim at most this many (the others stay available). @defaultValue every due message
   */
  async get(limit: number = Number.POSITIVE_INFINITY): Promise<readonly Envelope[]> {
    if (!(limit >= 0)) {
      throw new InvalidArgumentError(
        `InMemoryTransport.get() limit must be a number >= 0, got ${String(limit)}.`,
      );
    }
    const now = this.#clock.now();
    const due = [...this.#queue.values()]
      .filter((message) => !message.claimed && message.availableAt <= now)
      .sort((a, b) => a.availableAt - b.availableAt || a.id - b.id)
      .slice(0, limit);
    for (const message of due) message.claimed = true;
    return due.map((message) => this.#receive(message));
  }

  /** Removes the message. Throws a LogicError when the envelope has no id or its message is not stored here. */
  async ack(envelope: Envelope): Promise<void> {
    this.#remove(envelope, "ack");
    this.#acknowledged.push(envelope);
  }

  /** Removes the message. Throws a LogicError when the envelope has no id or its message is not stored here. */
  async reject(envelope: Envelope): Promise<void> {
    this.#remove(envelope, "reject");
    this.#rejected.push(envelope);
  }

  /** Accepted and ignored: claims never expire here, so there is no deadline to push forward. */
  async keepalive(_envelope: Envelope, _seconds?: number): Promise<void> {}

  /** Nothing to create. */
  async setup(): Promise<void> {}

  /** Nothing to release; stored messages stay inspectable after close. */
  async close(): Promise<void> {}

  /** Messages a `get()` would return now: due and not claimed. */
  async getMessageCount(): Promise<number> {
    const now = this.#clock.now();
    let count = 0;
    for (const message of this.#queue.values()) if (!message.claimed && message.availableAt <= now) count++;
    return count;
  }

  /** Every stored message not yet acked or rejected (claimed and delayed ones too), in send order; claims nothing. */
  async all(limit: number = Number.POSITIVE_INFINITY): Promise<readonly Envelope[]> {
    return [...this.#queue.values()].slice(0, limit).map((message) => this.#receive(message));
  }

  /** The stored message with this id (claimed or delayed too), or undefined once acked or rejected. */
  async find(id: string | number): Promise<Envelope | undefined> {
    const message = this.#queue.get(Number(id));
    return message ? this.#receive(message) : undefined;
  }

  /**
   * Every envelope sent since the last reset, in send order, decoded afresh in serialize mode.
   * Unlike `get()`, a message that does not decode throws here: in a test that is the bug to see.
   */
  getSent(): Envelope[] {
    return this.#sent.map((message) =>
      message.envelope ? message.envelope : this.#serializer!.decode(message.encoded!),
    );
  }

  /** The envelopes acked since the last reset, as the consumer passed them (handled stamps included). */
  getAcknowledged(): Envelope[] {
    return [...this.#acknowledged];
  }

  /** The envelopes rejected since the last reset, as the consumer passed them. */
  getRejected(): Envelope[] {
    return [...this.#rejected];
  }

  /** Forgets every message: queued, claimed, sent, acknowledged and rejected. */
  reset(): void {
    this.#queue.clear();
    this.#sent = [];
    this.#acknowledged = [];
    this.#rejected = [];
  }

  /**
   * Stores a message exactly as another producer would have written it to a real backend, without
   * going through `send()`. Only in serialize mode, since only then is there a decoder to read it.
   * Lets a test see what its consumers do with a foreign or corrupt message.
   * @returns the new message's transport message id
   */
  injectEncoded(encoded: EncodedEnvelope): number {
    if (!this.#serializer) {
      throw new LogicError(
        "InMemoryTransport.injectEncoded() needs serialize: true: nothing could decode the message.",
        {
          code: "NOT_SERIALIZING",
        },
      );
    }
    const message: StoredMessage = {
      id: this.#nextId++,
      availableAt: this.#clock.now(),
      encoded: { body: encoded.body, headers: { ...encoded.headers } },
      claimed: false,
    };
    // Not added to the sent list: this message was never sent through this transport.
    this.#queue.set(message.id, message);
    return message.id;
  }

  /** The record to store and the envelope `send` returns; encodes (and may throw) before anything is stored. */
  #prepare(envelope: Envelope): [StoredMessage, Envelope] {
    const id = this.#nextId++;
    const sent = envelope.with(new TransportMessageIdStamp(id));
    // Milliseconds kept as they are: Symfony rounds this one down to whole seconds.
    const delay = envelope.last(DelayStamp)?.delay ?? 0;
    const availableAt = this.#clock.now() + delay;
    const stored: StoredMessage = this.#serializer
      ? { id, availableAt, encoded: this.#serializer.encode(sent), claimed: false }
      : { id, availableAt, envelope: sent, claimed: false };
    return [stored, sent];
  }

  #store(message: StoredMessage): void {
    this.#queue.set(message.id, message);
    this.#sent.push(message);
  }

  /**
   * The envelope as a consumer sees it, decoded afresh in serialize mode so no two readers share
   * objects. A message that does not decode comes back as an undecodable-message envelope rather
   * than an error, so one bad message can neither crash a worker nor hide the others from a listing.
   */
  #receive(message: StoredMessage): Envelope {
    if (message.envelope) return message.envelope;
    const envelope = decodeOrUndecodable(this.#serializer!, message.encoded!);
    // An injected message has no id stamp in its headers; without one it could never be acked.
    return envelope.last(TransportMessageIdStamp)?.id === message.id
      ? envelope
      : envelope.with(new TransportMessageIdStamp(message.id));
  }

  #remove(envelope: Envelope, operation: "ack" | "reject"): void {
    const stamp = envelope.last(TransportMessageIdStamp);
    if (!stamp) {
      throw new LogicError(
        `Cannot ${operation} an envelope without a TransportMessageIdStamp on InMemoryTransport: pass the envelope that get() returned.`,
        { code: "MISSING_TRANSPORT_MESSAGE_ID" },
      );
    }
    const id = Number(stamp.id);
    if (!this.#queue.delete(id)) {
      throw new LogicError(
        `Cannot ${operation} message ${String(stamp.id)} on InMemoryTransport: it is not stored here (already acked or rejected, sent to another transport, or the transport was reset).`,
        { code: "UNKNOWN_TRANSPORT_MESSAGE_ID" },
      );
    }
  }
}
