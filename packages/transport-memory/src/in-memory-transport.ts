import {
  type BulkSender,
  type Clock,
  type CloseableTransport,
  type DeduplicateStamp,
  type DeduplicatingSender,
  DelayStamp,
  type EncodedEnvelope,
  type Envelope,
  InMemoryWorkerRegistry,
  InvalidArgumentError,
  JsonSerializer,
  type KeepaliveReceiver,
  type ListableReceiver,
  LogicError,
  type MessageCountAware,
  type PriorityAwareReceiver,
  type Serializer,
  type SetupableTransport,
  systemClock,
  type Transport,
  TransportMessageIdStamp,
  type WorkerHeartbeat,
  type WorkerRegistry,
} from "@messenger-ts/core";
import {
  type ConcurrencyLeaseStore,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  decodeOrUndecodable,
  deduplicationOf,
  dueAfter,
  InMemoryConcurrencyLeaseStore,
  InMemoryTransportPauseStore,
  markDeduplicated,
  markDeliveryLimit,
  parseDeliveryLimitOption,
  priorityOf,
  type TransportPauseStore,
} from "@messenger-ts/core/transport";

/** Options of {@link InMemoryTransport}; the `in-memory://` DSN is a front end to them. */
export interface InMemoryTransportOptions {
  /**
   * Encode every stored envelope with `serializer` and decode it when it is read back, as a real
   * transport would. Turn it on in tests to catch messages or stamps that do not survive the wire.
   * @defaultValue false
   */
  readonly serialize?: boolean;
  /** Decides when a delayed message becomes available and when a claim expires. @defaultValue systemClock */
  readonly clock?: Clock;
  /**
   * Milliseconds a message claimed by `get()` stays claimed without an ack, reject or keepalive;
   * after that `get()` delivers it again. A whole number > 0. The `redeliver_timeout` DSN option (in seconds there).
   * @defaultValue 30_000 (DEFAULT_REDELIVERY_TIMEOUT_MS, the same for every transport)
   */
  readonly redeliveryTimeout?: number;
  /** What `serialize: true` encodes with. @defaultValue a JsonSerializer */
  readonly serializer?: Serializer;
  /**
   * Deliveries a message may have without an ack or reject: the next one comes back with a
   * `DeliveryLimitExceededStamp`, and the worker sends it to the failure transport instead of a
   * handler. A whole number >= 1. The `delivery_limit` DSN option.
   * @defaultValue 5 (DEFAULT_DELIVERY_LIMIT, the same for every transport)
   */
  readonly deliveryLimit?: number;
}

/** One stored message: exactly one of `envelope` (plain mode) or `encoded` (serialize mode) is set. */
interface StoredMessage {
  readonly id: number;
  readonly availableAt: number;
  /** 0 to 255, higher first (`PriorityStamp`). */
  readonly priority: number;
  /** The deduplication key this message holds, if any (see {@link HeldKey}). */
  readonly deduplicationKey?: string;
  readonly envelope?: Envelope;
  readonly encoded?: EncodedEnvelope;
  /**
   * Until when the message is claimed (clock time, ms), set by get() and pushed forward by keepalive.
   * Undefined while it was never claimed. A claimed message is not handed out again before this
   * instant, so concurrent consumers never share one; from it on, get() delivers it again.
   */
  claimedUntil: number | undefined;
  /**
   * How often get() handed the message out (1 after the first claim); release() takes one back,
   * since a stopping worker never started it.
   */
  deliveries: number;
}

/** A deduplication key in use: the map is the atomic store, as the unique index is in SQL. */
interface HeldKey {
  /** The stored message holding it; undefined once handled (a `throttle` key lives on to its ttl). */
  messageId: number | undefined;
  /** Clock time (ms) the key is released at, whatever holds it. */
  until: number;
  readonly releasedOnClaim: boolean;
  readonly keptAfterHandling: boolean;
}

/**
 * A transport that keeps messages in process memory: the transport for tests and for development
 * without infrastructure, and the reference implementation of the transport conformance suite.
 *
 * Differences from Symfony's InMemoryTransport, on purpose:
 * - delays keep millisecond precision, and a message is available from the instant it is due;
 * - `get()` claims what it returns, so two consumers never receive the same message (Symfony returns
 *   every queued message on every call until it is acked). A claim lasts `redeliveryTimeout`
 *   milliseconds, like the Doctrine transport's `redeliver_timeout` (whose default is an hour; here
 *   it is 30 seconds, as on every transport): a message neither acked nor rejected by then, nor kept alive, is delivered
 *   again, with the same id and the same stored envelope. Delivery is therefore at least once.
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
    CloseableTransport,
    WorkerRegistry,
    TransportPauseStore,
    ConcurrencyLeaseStore,
    DeduplicatingSender,
    PriorityAwareReceiver
{
  readonly supportsDeduplication = true;
  readonly supportsPriority = true;
  /** Milliseconds a claim lasts without an ack, reject or keepalive; the worker's keepalive timer reads it. */
  readonly redeliveryTimeout: number;
  /** Deliveries allowed without an ack or reject; the one after is marked for the failure transport. */
  readonly deliveryLimit: number;
  readonly #clock: Clock;
  /** The heartbeats of the workers of this process that consume this transport. */
  readonly #workers: InMemoryWorkerRegistry;
  /** `messenger:pause` state and the shared concurrency limit's leases, for the workers of this process. */
  readonly #pauses = new InMemoryTransportPauseStore();
  readonly #leases: InMemoryConcurrencyLeaseStore;
  readonly #serializer: Serializer | undefined;
  /** Stored messages by id; Map iteration order is insertion order, which is id order. */
  readonly #queue = new Map<number, StoredMessage>();
  readonly #keys = new Map<string, HeldKey>();
  #pruneKeysAt = 1_024;
  #sent: StoredMessage[] = [];
  #acknowledged: Envelope[] = [];
  #rejected: Envelope[] = [];
  /** Never reset: an envelope received before `reset()` must not match a message sent after it. */
  #nextId = 1;

  constructor(options: InMemoryTransportOptions = {}) {
    // Only undefined means the default: a null or a string is a mistake to report, not to paper over.
    const timeout =
      options.redeliveryTimeout === undefined ? DEFAULT_REDELIVERY_TIMEOUT_MS : options.redeliveryTimeout;
    if (typeof timeout !== "number" || !Number.isSafeInteger(timeout) || timeout <= 0) {
      throw new InvalidArgumentError(
        `InMemoryTransport redeliveryTimeout must be a whole number of milliseconds > 0, got ${show(timeout)}.`,
        { code: "INVALID_TRANSPORT_OPTION" },
      );
    }
    this.redeliveryTimeout = timeout;
    this.deliveryLimit = parseDeliveryLimitOption(
      options.deliveryLimit === undefined ? DEFAULT_DELIVERY_LIMIT : options.deliveryLimit,
      "deliveryLimit",
      "InMemoryTransport",
    );
    this.#clock = options.clock ?? systemClock;
    this.#workers = new InMemoryWorkerRegistry(this.#clock);
    this.#leases = new InMemoryConcurrencyLeaseStore(this.#clock);
    this.#serializer = options.serialize ? (options.serializer ?? new JsonSerializer()) : undefined;
  }

  /** True when stored envelopes go through the serializer. */
  get serializes(): boolean {
    return this.#serializer !== undefined;
  }

  /**
   * Stores the envelope. With a `DeduplicateStamp` whose key a stored message holds, stores nothing
   * (or, `replace` / `debounce`, replaces the waiting holder) and returns it with a `DeduplicatedStamp`.
   */
  async send(envelope: Envelope): Promise<Envelope> {
    const deduplicated = this.#deduplicate(envelope);
    if (deduplicated) return deduplicated;
    const [stored, sent] = this.#prepare(envelope);
    this.#store(stored);
    const deduplication = deduplicationOf(envelope);
    if (deduplication) this.#holdKey(deduplication, stored.id);
    return sent;
  }

  /**
   * All or none: every envelope is encoded before any is stored, so an encoding error stores
   * nothing. Deduplicated envelopes are handled one after another as `send()` does.
   */
  async sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]> {
    if (envelopes.some((envelope) => deduplicationOf(envelope))) {
      for (const envelope of envelopes) this.#prepare(envelope, false);
      const out: Envelope[] = [];
      for (const envelope of envelopes) out.push(await this.send(envelope));
      return out;
    }
    const prepared = envelopes.map((envelope) => this.#prepare(envelope));
    for (const [stored] of prepared) this.#store(stored);
    return prepared.map(([, sent]) => sent);
  }

  /** The envelope send() returns when the key is held, or undefined to store it (taking the key). */
  #deduplicate(envelope: Envelope): Envelope | undefined {
    const stamp = deduplicationOf(envelope);
    if (!stamp) return undefined;
    const now = this.#clock.now();
    const held = this.#keys.get(stamp.key);
    if (!held || held.until <= now) return undefined;
    const holder = held.messageId === undefined ? undefined : this.#queue.get(held.messageId);
    if (
      (stamp.mode === "replace" || stamp.mode === "debounce") &&
      holder &&
      holder.claimedUntil === undefined
    ) {
      const [replacement, sent] = this.#prepare(envelope, true, holder.id);
      this.#queue.set(holder.id, replacement);
      this.#sent.push(replacement);
      if (stamp.mode === "debounce") held.until = now + stamp.ttl;
      return markDeduplicated(sent, stamp, true, holder.id);
    }
    return markDeduplicated(envelope, stamp, false, held.messageId);
  }

  #holdKey(stamp: DeduplicateStamp, id: number): void {
    if (this.#keys.size >= this.#pruneKeysAt) this.#pruneKeys();
    this.#keys.set(stamp.key, {
      messageId: id,
      until: this.#clock.now() + stamp.ttl,
      releasedOnClaim: stamp.releasedOnClaim,
      keptAfterHandling: stamp.mode === "throttle",
    });
  }

  /**
   * Forgets keys past their deadline, which nothing else removes when their key is never sent
   * again (a `throttle` key outlives its message); runs when the map doubled since the last time.
   */
  #pruneKeys(): void {
    const now = this.#clock.now();
    for (const [key, held] of this.#keys) if (held.until <= now) this.#keys.delete(key);
    this.#pruneKeysAt = Math.max(1_024, this.#keys.size * 2);
  }

  /** The message leaves the queue (taken by a worker, or handled): what happens to its key. */
  #releaseKey(message: StoredMessage, handled: boolean): void {
    if (message.deduplicationKey === undefined) return;
    const held = this.#keys.get(message.deduplicationKey);
    if (held?.messageId !== message.id) return;
    if (handled ? held.keptAfterHandling : !held.releasedOnClaim) {
      if (handled) held.messageId = undefined;
      return;
    }
    this.#keys.delete(message.deduplicationKey);
  }

  /**
   * Claims and returns the messages that are available: due, and not claimed or with an expired
   * claim. Earliest due first (then in send order), so a redelivered message comes before newer ones.
   * Each claim lasts `redeliveryTimeout` milliseconds from now and counts a delivery; a message
   * delivered more than `deliveryLimit` times comes back with a `DeliveryLimitExceededStamp`.
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
      .filter((message) => isAvailable(message, now))
      .sort((a, b) => b.priority - a.priority || a.availableAt - b.availableAt || a.id - b.id)
      .slice(0, limit);
    for (const message of due) {
      message.claimedUntil = now + this.redeliveryTimeout;
      message.deliveries++;
      this.#releaseKey(message, false);
    }
    return due.map((message) =>
      markDeliveryLimit(this.#receive(message), message.deliveries, this.deliveryLimit),
    );
  }

  /**
   * Removes the message, found by its id whoever holds the claim now: a consumer whose claim expired
   * and whose message was delivered again can still ack it. Throws a LogicError when the envelope
   * has no id or its message is not stored here (acked or rejected already, by this consumer or,
   * after a redelivery, by the other one).
   */
  async ack(envelope: Envelope): Promise<void> {
    this.#remove(envelope, "ack");
    this.#acknowledged.push(envelope);
  }

  /** Removes the message, by id like {@link ack}, and with the same errors. */
  async reject(envelope: Envelope): Promise<void> {
    this.#remove(envelope, "reject");
    this.#rejected.push(envelope);
  }

  /**
   * Tells the transport the message is still being worked on: its claim now lasts until
   * `clock.now()` plus `seconds` (when given) or the full `redeliveryTimeout`. It also renews a claim
   * that expired but was not taken again. A message that was never claimed, or is no longer stored
   * (acked in the meantime), is left alone: a keepalive racing an ack is not an error.
   * Throws a LogicError when the envelope has no id, an InvalidArgumentError when `seconds` is not > 0.
   */
  async keepalive(envelope: Envelope, seconds?: number): Promise<void> {
    if (seconds !== undefined && !(typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0)) {
      throw new InvalidArgumentError(
        `InMemoryTransport.keepalive() seconds must be a number > 0, got ${show(seconds)}.`,
      );
    }
    const message = this.#queue.get(this.#idOf(envelope, "keepalive"));
    if (message?.claimedUntil === undefined) return;
    message.claimedUntil =
      this.#clock.now() + (seconds === undefined ? this.redeliveryTimeout : seconds * 1_000);
  }

  /**
   * Makes claimed messages available again at once, as a worker does with the ones it fetched but
   * did not start before stopping; the delivery is not counted. A message no longer stored (acked
   * in the meantime) or not claimed (released already) is left alone.
   */
  async release(envelopes: readonly Envelope[]): Promise<void> {
    for (const envelope of envelopes) {
      const message = this.#queue.get(this.#idOf(envelope, "release"));
      if (message?.claimedUntil === undefined) continue;
      message.claimedUntil = undefined;
      message.deliveries = Math.max(0, message.deliveries - 1);
    }
  }

  /** Nothing to create. */
  async setup(): Promise<void> {}

  /** Process-local: only this process's workers on this transport are listed. */
  beatWorker(heartbeat: WorkerHeartbeat, ttl: number): Promise<void> {
    return this.#workers.beatWorker(heartbeat, ttl);
  }

  listWorkers(): Promise<WorkerHeartbeat[]> {
    return this.#workers.listWorkers();
  }

  removeWorker(id: string): Promise<void> {
    return this.#workers.removeWorker(id);
  }

  pauseTransport(transportName: string): Promise<void> {
    return this.#pauses.pauseTransport(transportName);
  }

  resumeTransport(transportName: string): Promise<void> {
    return this.#pauses.resumeTransport(transportName);
  }

  getPausedTransports(): Promise<readonly string[]> {
    return this.#pauses.getPausedTransports();
  }

  acquireLease(key: string, limit: number, leaseId: string, ttlMs: number): Promise<boolean> {
    return this.#leases.acquireLease(key, limit, leaseId, ttlMs);
  }

  renewLeases(key: string, leaseIds: readonly string[], ttlMs: number): Promise<void> {
    return this.#leases.renewLeases(key, leaseIds, ttlMs);
  }

  releaseLease(key: string, leaseId: string): Promise<void> {
    return this.#leases.releaseLease(key, leaseId);
  }

  /** Nothing to release; stored messages stay inspectable after close. */
  async close(): Promise<void> {}

  /** Messages a `get()` would return now: due, and not claimed or with an expired claim (like Doctrine). */
  async getMessageCount(): Promise<number> {
    const now = this.#clock.now();
    let count = 0;
    for (const message of this.#queue.values()) if (isAvailable(message, now)) count++;
    return count;
  }

  /** Every message the queue stores: due, delayed and claimed ones (what `all()` lists). */
  async getStoredMessageCount(): Promise<number> {
    return this.#queue.size;
  }

  /**
   * Every stored message not yet acked or rejected (claimed and delayed ones too), in send order
   * (which is id order); claims nothing. `after`: only messages with a greater id, so pages go on
   * where the last one stopped even when its last message was removed meanwhile.
   */
  async all(limit: number = Number.POSITIVE_INFINITY, after?: string | number): Promise<readonly Envelope[]> {
    const from = after === undefined ? 0 : Number(after);
    const page: Envelope[] = [];
    for (const message of this.#queue.values()) {
      if (page.length >= limit) break;
      if (message.id > from) page.push(this.#receive(message));
    }
    return page;
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
    this.#keys.clear();
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
      priority: 0,
      encoded: { body: encoded.body, headers: { ...encoded.headers } },
      claimedUntil: undefined,
      deliveries: 0,
    };
    // Not added to the sent list: this message was never sent through this transport.
    this.#queue.set(message.id, message);
    return message.id;
  }

  /** The record to store and the envelope `send` returns; encodes (and may throw) before anything is stored. */
  #prepare(envelope: Envelope, claimId = true, id = claimId ? this.#nextId++ : 0): [StoredMessage, Envelope] {
    const sent = envelope.with(new TransportMessageIdStamp(id));
    const deduplication = deduplicationOf(envelope);
    // Milliseconds kept as they are: Symfony rounds this one down to whole seconds.
    const delay = dueAfter(envelope.last(DelayStamp)?.delay ?? 0, deduplication);
    const record = {
      id,
      availableAt: this.#clock.now() + delay,
      priority: priorityOf(envelope),
      ...(deduplication ? { deduplicationKey: deduplication.key } : {}),
      claimedUntil: undefined,
      deliveries: 0,
    };
    const stored: StoredMessage = this.#serializer
      ? { ...record, encoded: this.#serializer.encode(sent) }
      : { ...record, envelope: sent };
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

  /** The stored id the envelope names; throws a LogicError when it carries no TransportMessageIdStamp. */
  #idOf(envelope: Envelope, operation: "ack" | "reject" | "keepalive" | "release"): number {
    const stamp = envelope.last(TransportMessageIdStamp);
    if (!stamp) {
      throw new LogicError(
        `Cannot ${operation} an envelope without a TransportMessageIdStamp on InMemoryTransport: pass the envelope that get() returned.`,
        { code: "MISSING_TRANSPORT_MESSAGE_ID" },
      );
    }
    return Number(stamp.id);
  }

  /** By id only, whoever holds the claim: an expired claim's holder may still ack (at least once). */
  #remove(envelope: Envelope, operation: "ack" | "reject"): void {
    const id = this.#idOf(envelope, operation);
    const message = this.#queue.get(id);
    if (message) this.#releaseKey(message, true);
    if (!this.#queue.delete(id)) {
      throw new LogicError(
        `Cannot ${operation} message ${String(envelope.last(TransportMessageIdStamp)!.id)} on InMemoryTransport: it is not stored here (already acked or rejected, possibly by a consumer it was delivered to again after its claim expired; sent to another transport; or the transport was reset).`,
        { code: "UNKNOWN_TRANSPORT_MESSAGE_ID" },
      );
    }
  }
}

/** Due, and never claimed or claimed until an instant that has come (the claim expired). */
function isAvailable(message: StoredMessage, now: number): boolean {
  return message.availableAt <= now && (message.claimedUntil === undefined || message.claimedUntil <= now);
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
