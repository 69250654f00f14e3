import { randomBytes } from "node:crypto";
import {
  type BulkSender,
  type CloseableTransport,
  compareWorkerHeartbeats,
  type DeduplicatingSender,
  DelayStamp,
  type EncodedEnvelope,
  type Envelope,
  InvalidArgumentError,
  JsonSerializer,
  type KeepaliveReceiver,
  type ListableReceiver,
  type Logger,
  LogicError,
  type MessageCountAware,
  type MessageWaiter,
  nullLogger,
  type ReleasableReceiver,
  type Serializer,
  type SetupableTransport,
  type ThroughputBucket,
  type ThroughputStore,
  type Transport,
  TransportMessageIdStamp,
  type WarningTransport,
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
  markDeduplicated,
  markDeliveryLimit,
  parseBooleanOption,
  parseDeliveryLimitOption,
  parseMillisecondsOption,
  parseWholeNumberOption,
  priorityOf,
  type RateLimiter,
  type RestartSignalStore,
  type SharedRateLimiterFactory,
  type TransportPauseStore,
} from "@messenger-ts/core/transport";
import type { ClusterNode, ClusterOptions, RedisOptions } from "ioredis";
import {
  type MessageCounts,
  type OutgoingMessage,
  RedisConnection,
  type StreamEntry,
} from "./redis-connection.js";
import { RedisConsumer } from "./redis-consumer.js";
import { levelPrefix, locationOfId } from "./redis-message-id.js";
import {
  defaultConsumerName,
  hashTagOf,
  REDIS_OPTION_DEFAULTS,
  redisKeys,
  toName,
  toPrefix,
} from "./redis-options.js";
import { RedisRateLimiter } from "./redis-rate-limiter.js";
import { RedisReceivedStamp } from "./redis-received-stamp.js";
import { RedisWorkerControls } from "./redis-worker-controls.js";
import { StoredMessageWriter } from "./stored-message.js";
import { symfonyDelayedMember, symfonyQueueKey, unwrapPhpSerializedString } from "./symfony-layout.js";

/** Options of {@link RedisTransport}; the `redis://` DSN is a front end to them. Durations in ms. */
export interface RedisTransportOptions {
  /** ioredis options for one node: host, port, path (unix socket), username, password, db, tls, sentinels + name. @defaultValue 127.0.0.1:6379 */
  readonly connection?: RedisOptions;
  /** Connect to a Redis Cluster through these seed nodes instead (the stream key needs a `{hash tag}`). */
  readonly cluster?: { readonly nodes: readonly ClusterNode[]; readonly options?: ClusterOptions };
  /** @defaultValue a JsonSerializer */
  readonly serializer?: Serializer;
  /** @defaultValue "messages" */
  readonly stream?: string;
  /** @defaultValue "symfony" */
  readonly group?: string;
  /** Unique per process by default: `<host>-<pid>-<random>`. */
  readonly consumer?: string;
  /** Prepended to every key. @defaultValue "" */
  readonly prefix?: string;
  /** Create the consumer group when it is missing (first use, or after Redis lost it). @defaultValue true */
  readonly autoSetup?: boolean;
  /** @defaultValue true */
  readonly deleteAfterAck?: boolean;
  /** @defaultValue true */
  readonly deleteAfterReject?: boolean;
  /** Approximate cap on the stream length (`MAXLEN ~`); 0 is none. @defaultValue 0 */
  readonly streamMaxEntries?: number;
  /** Milliseconds an unacknowledged message may sit idle before another consumer takes it. @defaultValue 30000 (DEFAULT_REDELIVERY_TIMEOUT_MS) */
  readonly redeliveryTimeout?: number;
  /** Milliseconds between sweeps for abandoned messages. @defaultValue 5000 */
  readonly claimInterval?: number;
  /**
   * Deliveries of a message without an acknowledgement (Redis's delivery count of the entry) after
   * which the worker sends it to the failure transport instead of a handler. @defaultValue 5 (DEFAULT_DELIVERY_LIMIT)
   */
  readonly deliveryLimit?: number;
  /**
   * Share the stream with PHP Symfony Messenger workers: delayed messages and retries go to
   * Symfony's `<stream>__queue` sorted set (and are read from it), and entries PHP stored through
   * phpredis's PHP serializer are read. Pair it with `SymfonySerializer` from `@messenger-ts/symfony`.
   * Priorities are then ignored: every message goes to the one stream PHP workers read.
   * @defaultValue false
   */
  readonly symfony?: boolean;
  /** The transport's name in errors and logs. @defaultValue "redis" */
  readonly name?: string;
  /** The server as errors may show it (no credentials). @defaultValue host:port/db */
  readonly target?: string;
  readonly logger?: Logger;
}

/**
 * Symfony's Redis Streams transport: messages are stream entries read through a consumer group,
 * delayed messages wait in a sorted set and move into the stream at their due time, and entries a
 * dead consumer left behind are taken over in batches (XAUTOCLAIM) after the redelivery timeout.
 * A `PriorityStamp` above 0 puts the message in a stream per priority level, read highest first
 * (not in Symfony mode). Every operation is one round trip (a Lua script); idle workers block on a
 * marker. Behaviour notes are in the package README.
 */
export class RedisTransport
  implements
    Transport,
    BulkSender,
    SetupableTransport,
    MessageCountAware,
    ListableReceiver,
    KeepaliveReceiver,
    ReleasableReceiver,
    MessageWaiter,
    RestartSignalStore,
    WorkerRegistry,
    ThroughputStore,
    SharedRateLimiterFactory,
    TransportPauseStore,
    ConcurrencyLeaseStore,
    WarningTransport,
    CloseableTransport,
    DeduplicatingSender
{
  readonly supportsDeduplication = true;
  /**
   * Whether get() honours `PriorityStamp` (the PriorityAwareReceiver capability): true, except in
   * Symfony mode, where every message goes to the one stream PHP workers read.
   */
  readonly supportsPriority: boolean;
  readonly name: string;
  /** The stream's key (prefix included). */
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  /** Milliseconds (the DSN's `redeliver_timeout` is in seconds); the worker keeps alive at a third of it. */
  readonly redeliveryTimeout: number;
  readonly claimInterval: number;
  /** Deliveries allowed per message: the `deliveryLimit` / `delivery_limit` option. */
  readonly deliveryLimit: number;
  /** Whether the consumer group is created when missing: the `autoSetup` / `auto_setup` option. */
  readonly autoSetup: boolean;
  readonly #deleteAfterAck: boolean;
  readonly #deleteAfterReject: boolean;
  readonly #serializer: Serializer;
  readonly #stored = new StoredMessageWriter();
  readonly #logger: Logger;
  readonly #connection: RedisConnection;
  /** The paused transports and the shared concurrency limits, in keys under the prefix. */
  readonly #controls: RedisWorkerControls;
  readonly #consumer: RedisConsumer;
  readonly #target: string;
  /** Symfony's key layout for delayed messages (the `symfony` option). */
  readonly #symfony: boolean;
  /** The persistence check of the first get() (a worker starting) ran. */
  #checkedAtStart = false;

  constructor(options: RedisTransportOptions = {}) {
    this.name = options.name ?? "redis";
    const label = `transport "${this.name}"`;
    const d = REDIS_OPTION_DEFAULTS;
    const prefix = toPrefix(options.prefix ?? d.prefix, label);
    const stream = toName(options.stream ?? d.stream, "stream", label);
    const keys = redisKeys(prefix, stream);
    if (options.cluster && hashTagOf(keys.stream) === undefined) {
      throw new InvalidArgumentError(
        `The stream key "${keys.stream}" of ${label} has no hash tag, which Redis Cluster needs to keep the stream and its delayed set in one slot: name the stream like "{${stream}}" (or put a tag in the prefix).`,
        { code: "INVALID_TRANSPORT_OPTION" },
      );
    }
    this.stream = keys.stream;
    this.group = toName(options.group ?? d.group, "group", label);
    this.consumer =
      options.consumer === undefined ? defaultConsumerName() : toName(options.consumer, "consumer", label);
    this.redeliveryTimeout = parseMillisecondsOption(
      options.redeliveryTimeout ?? DEFAULT_REDELIVERY_TIMEOUT_MS,
      "redeliveryTimeout",
      label,
    );
    this.autoSetup = parseBooleanOption(options.autoSetup ?? true, "autoSetup", label);
    this.claimInterval = parseWholeNumberOption(
      options.claimInterval ?? 5_000,
      "claimInterval",
      label,
      0,
      86_400_000,
    );
    this.deliveryLimit = parseDeliveryLimitOption(
      options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
      "deliveryLimit",
      label,
    );
    this.#deleteAfterAck = parseBooleanOption(options.deleteAfterAck ?? true, "deleteAfterAck", label);
    this.#deleteAfterReject = parseBooleanOption(
      options.deleteAfterReject ?? true,
      "deleteAfterReject",
      label,
    );
    this.#serializer = options.serializer ?? new JsonSerializer();
    this.#symfony = parseBooleanOption(options.symfony ?? false, "symfony", label);
    this.supportsPriority = !this.#symfony;
    this.#logger = options.logger ?? nullLogger;
    const connection = options.connection ?? { host: "127.0.0.1", port: 6379 };
    this.#target = options.target ?? targetOf(connection, options.cluster?.nodes);
    this.#connection = new RedisConnection({
      config: options.cluster
        ? { mode: "cluster", nodes: options.cluster.nodes, options: options.cluster.options }
        : { mode: "standalone", options: connection },
      keys,
      group: this.group,
      consumer: this.consumer,
      autoSetup: this.autoSetup,
      streamMaxEntries: parseWholeNumberOption(
        options.streamMaxEntries ?? 0,
        "streamMaxEntries",
        label,
        0,
        2 ** 40,
      ),
      deleteAfterAck: this.#deleteAfterAck,
      deleteAfterReject: this.#deleteAfterReject,
      label,
      target: this.#target,
      logger: this.#logger,
      ...(this.#symfony ? { symfonyQueue: symfonyQueueKey(keys.stream) } : {}),
    });
    this.#controls = new RedisWorkerControls(this.#connection);
    this.#consumer = new RedisConsumer({
      connection: this.#connection,
      redeliveryTimeout: this.redeliveryTimeout,
      claimInterval: this.claimInterval,
      // A consumer name given explicitly may survive a restart: pick up what it held before.
      recoverAtStart: options.consumer !== undefined,
      logger: this.#logger,
      transport: this.name,
    });
  }

  /** One script call: XADD (or, with a DelayStamp, the delayed set). The id is the stream entry id. */
  async send(envelope: Envelope): Promise<Envelope> {
    return (await this.#store([envelope]))[0]!;
  }

  /** One script call for all of them; each comes back with its own id, in order. */
  async sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]> {
    return envelopes.length === 0 ? [] : this.#store(envelopes);
  }

  /**
   * One script call: moves due delayed messages into the stream, takes over abandoned entries when
   * a sweep is due, and reads new entries, up to a batch sized to the consumer's pace.
   */
  async get(): Promise<readonly Envelope[]> {
    if (!this.#checkedAtStart) {
      this.#checkedAtStart = true;
      // A worker starts: say once if a Redis restart would lose its queue (not awaited).
      void this.warnings().then((warnings) => {
        for (const warning of warnings) this.#logger.warn({ transport: this.name }, warning);
      });
    }
    const entries = await this.#consumer.fetch();
    const envelopes = entries.map((entry) => this.#decode(entry, true, "stream"));
    // Keys held only while their message waits: it was just taken. Rare; one call per key.
    const releases = envelopes.filter((envelope) => deduplicationOf(envelope)?.releasedOnClaim);
    if (releases.length > 0) await Promise.all(releases.map((envelope) => this.#releaseKey(envelope)));
    return envelopes;
  }

  ack(envelope: Envelope): Promise<void> {
    return this.#finish(envelope, "ack", this.#deleteAfterAck);
  }

  reject(envelope: Envelope): Promise<void> {
    return this.#finish(envelope, "reject", this.#deleteAfterReject);
  }

  /**
   * Hands envelopes get() returned and the worker never started back to the group at once, as if
   * never delivered: their delivery count is taken back, and the next fetch of any worker (an idle
   * one is woken) takes them, without waiting for the redelivery timeout. Envelopes already
   * acknowledged or rejected, or taken over by another consumer, are left alone.
   */
  async release(envelopes: readonly Envelope[]): Promise<void> {
    const ids: string[] = [];
    for (const envelope of envelopes) {
      const stamp = this.#stampOf(envelope, "release");
      if (stamp.claimed) ids.push(stamp.id);
    }
    if (ids.length > 0) await this.#consumer.release(ids);
  }

  /**
   * Resets the entry's idle time (XCLAIM to this same consumer, JUSTID), so no other consumer takes
   * it over while a long handler runs. Keepalives issued together go out as one script call.
   * `seconds` (when the caller will call again) may not exceed the redelivery timeout: Redis
   * cannot push an entry's deadline further than that.
   */
  async keepalive(envelope: Envelope, seconds?: number): Promise<void> {
    if (seconds !== undefined && !(seconds > 0 && seconds * 1000 <= this.redeliveryTimeout)) {
      throw new InvalidArgumentError(
        `Keepalive interval ${String(seconds)} s of transport "${this.name}" must be > 0 and at most its redeliver_timeout (${this.redeliveryTimeout / 1000} s).`,
        { code: "INVALID_KEEPALIVE_INTERVAL" },
      );
    }
    const stamp = this.#stampOf(envelope, "keep alive");
    if (!stamp.claimed) {
      throw new LogicError(
        `Cannot keep alive on transport "${this.name}" an envelope that all() or find() returned: only messages get() delivered are held.`,
        { code: "NOT_CLAIMED" },
      );
    }
    await this.#consumer.keepalive(stamp.id);
  }

  /**
   * Warns when the server has neither AOF nor RDB save points: a restart of Redis loses every
   * message. Says nothing when the server forbids CONFIG GET, or cannot be reached.
   */
  async warnings(): Promise<readonly string[]> {
    if ((await this.#connection.persistence().catch(() => "unknown")) !== "none") return [];
    return [
      `Redis at ${this.#target} has no persistence (appendonly is "no" and "save" has no save points): a restart of Redis loses every message of stream "${this.stream}". Enable AOF (appendonly yes) or RDB save points.`,
    ];
  }

  /** XGROUP CREATE … MKSTREAM; an existing group is fine. Safe when several workers run it at once. */
  setup(): Promise<void> {
    return this.#connection.setup();
  }

  /**
   * Messages the queue still holds, as one number: waiting in the stream, delivered and not yet
   * acknowledged (in handlers, or abandoned by a dead worker), and delayed (due or not). See
   * {@link getMessageCounts} for the parts.
   */
  async getMessageCount(): Promise<number> {
    const { waiting, pending, delayed } = await this.#connection.count();
    return waiting + pending + delayed;
  }

  /** The parts of {@link getMessageCount}, read in one consistent snapshot. */
  getMessageCounts(): Promise<MessageCounts> {
    return this.#connection.count();
  }

  /** Every message the queue stores: the same number as {@link getMessageCount}, which counts delayed ones too. */
  getStoredMessageCount(): Promise<number> {
    return this.getMessageCount();
  }

  /**
   * Stored messages without claiming them: stream entries highest priority first, oldest first
   * within a priority (unread and pending ones; entries already acknowledged are skipped), then
   * delayed messages by due time. Ids are stream entry ids, or `d-…` for a delayed message, with a
   * `p<priority>:` prefix above priority 0. Envelopes from here can be passed to reject()
   * (`messenger:failed:remove`), which deletes them wherever they are. `after` pages: a stream id
   * need not be stored any more; a delayed message's id must be (its place is its due time), else
   * REDIS_LIST_CURSOR_GONE.
   */
  async all(limit?: number, after?: string | number): Promise<readonly Envelope[]> {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new InvalidArgumentError(`all() limit must be a whole number >= 0, got ${String(limit)}.`);
    }
    const afterId = after === undefined ? undefined : String(after);
    const afterKind = afterId === undefined ? undefined : locationOfId(afterId);
    if (afterId !== undefined && afterKind === undefined) {
      throw new InvalidArgumentError(
        `all() after must be a message id of this transport (a stream entry id like 1700000000000-0, or d-<16 hex digits>, either with a priority prefix like p5:), got ${afterId}.`,
      );
    }
    if (limit === 0) return [];
    const { entries, delayed } = await this.#connection.list(
      limit ?? -1,
      afterId === undefined ? undefined : { kind: afterKind!, id: afterId },
    );
    return [
      ...entries.map((entry) => this.#decode(entry, false, "stream")),
      ...delayed.map((entry) => this.#decode(entry, false, "delayed")),
    ];
  }

  async find(id: string | number): Promise<Envelope | undefined> {
    const text = String(id);
    const location = locationOfId(text);
    if (!location) return undefined;
    const entry = await this.#connection.find(location, text);
    return entry && this.#decode(entry, false, location);
  }

  /**
   * For an idle worker: resolves when a message is sent (BZPOPMIN on the marker, on a connection
   * of its own), when the earliest delayed message is due, when the next sweep for abandoned
   * messages is due, after `maxWaitMs`, or on abort. Never rejects.
   */
  waitForMessages(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    return this.#consumer.wait(maxWaitMs, signal);
  }

  async requestRestart(at: number): Promise<void> {
    await this.#connection.requestRestart(at);
  }

  getRestartRequestedAt(): Promise<number | null> {
    return this.#connection.restartRequestedAt();
  }

  /** `<prefix>messenger:worker:<id>` with a TTL of `ttl` ms (Redis expires it), indexed in `<prefix>messenger:workers`. */
  async beatWorker(heartbeat: WorkerHeartbeat, ttl: number): Promise<void> {
    await this.#connection.beatWorker(heartbeat.id, JSON.stringify(heartbeat), heartbeat.lastSeenAt, ttl);
  }

  /** The workers whose heartbeat key has not expired, of every stream under the prefix. */
  async listWorkers(): Promise<WorkerHeartbeat[]> {
    const values = await this.#connection.listWorkers();
    return values.map((value) => JSON.parse(value) as WorkerHeartbeat).sort(compareWorkerHeartbeats);
  }

  async removeWorker(id: string): Promise<void> {
    await this.#connection.removeWorker(id);
  }

  /** Adds to the per-minute hashes `<prefix>messenger:throughput:<minute>` (Redis expires them). */
  recordThroughput(buckets: readonly ThroughputBucket[], _now: number): Promise<void> {
    return this.#connection.recordThroughput(buckets);
  }

  /** The per-minute counts of these transports from `since` on, summed over workers. */
  readThroughput(transports: readonly string[], since: number): Promise<ThroughputBucket[]> {
    return this.#connection.readThroughput(transports, since, Date.now());
  }

  /** A token bucket in Redis, shared by every worker that consumes with the same key and prefix. */
  createRateLimiter(key: string, limit: number, intervalMs: number): RateLimiter {
    return new RedisRateLimiter(this.#connection, key, limit, intervalMs, this.#logger);
  }

  /** A member of the set `<prefix>messenger:paused`: every worker consuming the transport stops fetching from it. */
  pauseTransport(transportName: string): Promise<void> {
    return this.#controls.pause(transportName);
  }

  resumeTransport(transportName: string): Promise<void> {
    return this.#controls.resume(transportName);
  }

  getPausedTransports(): Promise<readonly string[]> {
    return this.#controls.pausedTransports();
  }

  /** Leases in the sorted set `<prefix>messenger:leases:<key>`, expiring on the Redis clock. */
  acquireLease(key: string, limit: number, leaseId: string, ttlMs: number): Promise<boolean> {
    return this.#controls.acquireLease(key, limit, leaseId, ttlMs);
  }

  renewLeases(key: string, leaseIds: readonly string[], ttlMs: number): Promise<void> {
    return this.#controls.renewLeases(key, leaseIds, ttlMs);
  }

  releaseLease(key: string, leaseId: string): Promise<void> {
    return this.#controls.releaseLease(key, leaseId);
  }

  /**
   * Ends idle waits, finishes pending acks and keepalives, hands back messages fetched ahead that
   * no get() returned yet, then closes the blocking connection and gives the shared one back.
   * Messages returned by get() and not finished or released stay pending in the group and come
   * back after the redelivery timeout.
   */
  async close(): Promise<void> {
    await this.#consumer.close();
    await this.#connection.close();
  }

  async #store(envelopes: readonly Envelope[]): Promise<Envelope[]> {
    // Everything is encoded before anything is stored: a message that cannot be encoded stores none.
    const messages = envelopes.map((envelope): OutgoingMessage & { token?: string } => {
      const { body, headers } = this.#serializer.encode(envelope);
      const deduplication = deduplicationOf(envelope);
      const delay = Math.max(0, Math.ceil(dueAfter(envelope.last(DelayStamp)?.delay ?? 0, deduplication)));
      // Symfony mode: PHP workers read the stream only, so every message goes there (the stamp travels).
      const priority = this.#symfony ? 0 : priorityOf(envelope);
      // Symfony's delayed queue holds Symfony's own members: no deduplication token travels there.
      if (this.#symfony && delay > 0) {
        return { delay, id: "", priority, message: { head: symfonyDelayedMember(body, headers), tail: "" } };
      }
      const id = delay > 0 ? `${levelPrefix(priority)}d-${randomBytes(8).toString("hex")}` : "";
      if (!deduplication) return { delay, id, priority, message: this.#stored.write(body, headers) };
      // The token names this message as the key's holder, wherever it moves (delayed set, stream).
      const token = randomBytes(8).toString("hex");
      return { delay, id, priority, token, message: this.#stored.write(body, headers, token) };
    });
    if (messages.every((message) => message.token === undefined)) {
      const ids = this.#symfony ? await this.#storeSymfony(messages) : await this.#connection.send(messages);
      return envelopes.map((envelope, i) => envelope.with(new TransportMessageIdStamp(ids[i]!)));
    }
    // With deduplication keys: one script call per message, in order.
    const sent: Envelope[] = [];
    for (const [i, envelope] of envelopes.entries()) {
      const message = messages[i]!;
      const deduplication = deduplicationOf(envelope);
      if (!deduplication || message.token === undefined) {
        const [id] = this.#symfony
          ? await this.#storeSymfony([message])
          : await this.#connection.send([message]);
        sent.push(envelope.with(new TransportMessageIdStamp(id!)));
        continue;
      }
      const { mode } = deduplication;
      const { outcome, id } = await this.#connection.sendDeduplicated(message, {
        key: deduplication.key,
        ttl: deduplication.ttl,
        replace: mode === "replace" || mode === "debounce",
        extend: mode === "debounce",
        token: message.token,
      });
      if (outcome === "stored") sent.push(envelope.with(new TransportMessageIdStamp(id)));
      else {
        const replaced = outcome === "replaced";
        const stamped = replaced ? envelope.with(new TransportMessageIdStamp(id)) : envelope;
        sent.push(markDeduplicated(stamped, deduplication, replaced, id));
      }
    }
    return sent;
  }

  /** Releases the key the envelope's message holds, if it still does. */
  #releaseKey(envelope: Envelope): Promise<void> {
    const token = envelope.last(RedisReceivedStamp)?.deduplicationToken;
    const deduplication = deduplicationOf(envelope);
    if (token === undefined || !deduplication) return Promise.resolve();
    return this.#connection.releaseDeduplication(deduplication.key, token);
  }

  /**
   * Symfony mode: undelayed messages as usual, delayed ones into `<stream>__queue`, in two script
   * calls (a batch mixing both is not stored atomically). Symfony gives a delayed message no id
   * until it is due; it gets `d-` and a random part here.
   */
  async #storeSymfony(messages: readonly OutgoingMessage[]): Promise<string[]> {
    const now = messages.filter((m) => m.delay === 0);
    const later = messages.filter((m) => m.delay > 0);
    const streamIds = now.length === 0 ? [] : await this.#connection.send(now);
    if (later.length > 0) {
      await this.#connection.sendSymfonyDelayed(
        later.map((m) => ({ delay: m.delay, member: m.message.head })),
      );
    }
    let next = 0;
    return messages.map((m) => (m.delay === 0 ? streamIds[next++]! : `d-${randomBytes(8).toString("hex")}`));
  }

  /** An entry that does not decode becomes an UndecodableMessage envelope with its raw body: never an error. */
  #decode(entry: StreamEntry, claimed: boolean, location: "stream" | "delayed"): Envelope {
    const message =
      this.#symfony && entry.message !== undefined ? unwrapPhpSerializedString(entry.message) : entry.message;
    const encoded = unwrap(message);
    const envelope = decodeOrUndecodable(this.#serializer, encoded).with(
      new TransportMessageIdStamp(entry.id),
      new RedisReceivedStamp(entry.id, this.stream, claimed, location, encoded.deduplication),
    );
    // Only a fetch counts a delivery; listing (all(), find()) never does.
    return claimed ? markDeliveryLimit(envelope, entry.deliveries ?? 1, this.deliveryLimit) : envelope;
  }

  async #finish(envelope: Envelope, operation: "ack" | "reject", remove: boolean): Promise<void> {
    const stamp = this.#stampOf(envelope, operation);
    if (stamp.claimed) await this.#consumer.finish(stamp.id, remove);
    else await this.#connection.remove(stamp.location, stamp.id);
    // Handled: the key goes, unless it lives to its ttl (throttle) or went when the message was taken.
    const deduplication = stamp.deduplicationToken === undefined ? undefined : deduplicationOf(envelope);
    if (deduplication && deduplication.mode !== "throttle" && !deduplication.releasedOnClaim) {
      await this.#releaseKey(envelope);
    }
  }

  #stampOf(envelope: Envelope, operation: string): RedisReceivedStamp {
    const stamp = envelope.last(RedisReceivedStamp);
    if (!stamp || stamp.stream !== this.stream) {
      throw new LogicError(
        `Cannot ${operation} on Redis stream "${this.stream}" an envelope ${stamp ? `read from stream "${stamp.stream}"` : "without a RedisReceivedStamp"}: pass the envelope that this transport's get(), all() or find() returned.`,
        { code: "MISSING_TRANSPORT_MESSAGE_ID" },
      );
    }
    return stamp;
  }
}

/** The stored `{"body", "headers"}` (Symfony's shape); anything else is an undecodable raw body. */
/** The stored message: the encoded envelope and, when it holds a deduplication key, its token. */
function unwrap(message: string | undefined): EncodedEnvelope & { deduplication?: string } {
  if (message === undefined) return { body: "", headers: {} };
  try {
    const parsed = JSON.parse(message) as { body?: unknown; headers?: unknown; deduplication?: unknown };
    const headers = parsed?.headers;
    if (
      typeof parsed?.body === "string" &&
      typeof headers === "object" &&
      headers !== null &&
      !Array.isArray(headers) &&
      Object.values(headers).every((value) => typeof value === "string")
    ) {
      const encoded = { body: parsed.body, headers: headers as Record<string, string> };
      return typeof parsed.deduplication === "string"
        ? { ...encoded, deduplication: parsed.deduplication }
        : encoded;
    }
  } catch {
    // not JSON: kept raw below
  }
  return { body: message, headers: {} };
}

function targetOf(connection: RedisOptions, nodes?: readonly ClusterNode[]): string {
  if (nodes)
    return `cluster ${nodes.map((n) => (typeof n === "object" ? `${n.host}:${n.port}` : String(n))).join(",")}`;
  if (connection.sentinels?.length) {
    return `sentinel ${connection.name ?? "?"} via ${connection.sentinels.map((s) => `${s.host}:${s.port}`).join(",")}`;
  }
  if (connection.path) return `${connection.path}/${connection.db ?? 0}`;
  return `${connection.host ?? "127.0.0.1"}:${connection.port ?? 6379}/${connection.db ?? 0}`;
}
