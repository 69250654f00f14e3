import {
  type BulkSender,
  type CloseableTransport,
  type DeduplicatingSender,
  DelayStamp,
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
  type PriorityAwareReceiver,
  type QueueReceiver,
  type Serializer,
  type SetupableTransport,
  THROUGHPUT_RETENTION,
  type ThroughputBucket,
  type ThroughputStore,
  type Transport,
  TransportMessageIdStamp,
  type WorkerHeartbeat,
  type WorkerRegistry,
} from "@messenger-ts/core";
import {
  ClaimSizer,
  type ConcurrencyLeaseStore,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_QUEUE_NAME,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  DEFAULT_TABLE_NAME,
  decodeOrUndecodable,
  deduplicationOf,
  dueAfter,
  markDeduplicated,
  markDeliveryLimit,
  type PendingRemoval,
  PerTickBatcher,
  parseBooleanOption,
  parseDeliveryLimitOption,
  parseMillisecondsOption,
  parseQueueNameOption,
  parseSqlIdentifierOption,
  priorityOf,
  type RateLimiter,
  type RestartSignalStore,
  retryUntilClaimsExpire,
  SharedRateLimiter,
  type SharedRateLimiterFactory,
  type TransportPauseStore,
} from "@messenger-ts/core/transport";
import type pg from "pg";
import { isConnectionFailure } from "./connection-failure.js";
import { postgresTransactionContext } from "./current-postgres-client.js";
import {
  type ClaimedRow,
  type ClaimResult,
  type MessageRow,
  PostgresConnection,
} from "./postgres-connection.js";
import type { ListenMark } from "./postgres-listener.js";
import {
  CLAIM_BATCH_BYTES,
  CLAIM_BUDGET_MS,
  MAX_CLAIM_BATCH,
  MAX_SCHEMA_NAME_LENGTH,
  MAX_TABLE_NAME_LENGTH,
} from "./postgres-options.js";
import { PostgresReceivedStamp } from "./postgres-received-stamp.js";
import { PostgresTransactionStamp } from "./postgres-transaction-stamp.js";
import { PostgresWorkerControls } from "./postgres-worker-controls.js";
import { schemaNames } from "./schema.js";
import { type ClaimReport, waitForNotification } from "./wait-for-notification.js";

/** A claim made ahead of the worker's next `get()`, while it handles the batch before. */
interface Prefetch {
  readonly queues: readonly string[];
  readonly limit: number;
  /** When the claim was sent (ms): see PostgresReceivedStamp.claimedAt. */
  readonly claimedAt: number;
  /** The listener's mark taken just before the claim was sent. */
  readonly mark: ListenMark | undefined;
  readonly result: Promise<ClaimResult>;
}

function sameQueues(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const ignore = () => {};

/**
 * The most acks a claim carries (core's PerTickBatcher, sendWith). An idle worker has one, a worker near idle a
 * few; more stay a DELETE of their own, run beside the claim on another connection, so that the
 * worker's next batch does not wait for them.
 */
const MAX_CARRIED_ACKS = 32;

/** Options of {@link PostgresTransport}; the `postgres://` and `doctrine://` DSNs are a front end to them. */
export interface PostgresTransportOptions {
  /** Where to connect (host, port, user, password, database, ssl), as node-postgres takes it. */
  readonly connection: pg.ClientConfig;
  /** @defaultValue a JsonSerializer */
  readonly serializer?: Serializer;
  /** @defaultValue "messenger_messages" */
  readonly tableName?: string;
  /** Many logical queues share one table. @defaultValue "default" */
  readonly queueName?: string;
  /** @defaultValue "public" */
  readonly schema?: string;
  /** Milliseconds before an unacknowledged claimed message is delivered again. @defaultValue 30000 (DEFAULT_REDELIVERY_TIMEOUT_MS) */
  readonly redeliveryTimeout?: number;
  /**
   * Deliveries of a message without an acknowledgement (each claim counts one; `release()` takes
   * it back) before the worker sends it to the failure transport instead of a handler: a message
   * that kills or hangs its worker stops coming back. @defaultValue 5 (DEFAULT_DELIVERY_LIMIT)
   */
  readonly deliveryLimit?: number;
  /** Run `setup()` once before first use. @defaultValue true */
  readonly autoSetup?: boolean;
  /** LISTEN for new messages while a worker is idle. @defaultValue true */
  readonly useNotify?: boolean;
  /**
   * Work on Symfony's Doctrine table (`messenger_messages` as Symfony creates it), shared with PHP
   * Symfony Messenger workers; see the README. Pair it with `SymfonySerializer` from
   * `@messenger-ts/symfony`. The table counts no deliveries: no delivery limit. @defaultValue false
   */
  readonly symfony?: boolean;
  /** The transport's name in errors and logs. @defaultValue "postgres" */
  readonly name?: string;
  /** The database as errors may show it (no credentials). @defaultValue host:port/database */
  readonly target?: string;
  readonly logger?: Logger;
}

/**
 * Symfony's Doctrine transport on PostgreSQL: one table, many queues, claims by `delivered_at`
 * with `FOR UPDATE SKIP LOCKED`, LISTEN/NOTIFY for idle workers, and sends that can join the
 * caller's transaction (the outbox). Behaviour notes are in the package README.
 */
export class PostgresTransport
  implements
    Transport,
    QueueReceiver,
    BulkSender,
    SetupableTransport,
    MessageCountAware,
    ListableReceiver,
    KeepaliveReceiver,
    MessageWaiter,
    RestartSignalStore,
    WorkerRegistry,
    TransportPauseStore,
    SharedRateLimiterFactory,
    ConcurrencyLeaseStore,
    ThroughputStore,
    CloseableTransport,
    DeduplicatingSender,
    PriorityAwareReceiver
{
  readonly supportsDeduplication = true;
  readonly supportsPriority = true;
  readonly queueName: string;
  readonly tableName: string;
  readonly schema: string;
  /** Milliseconds (the DSN's `redeliver_timeout` is in seconds); the worker keeps alive at a third of it. */
  readonly redeliveryTimeout: number;
  /** Deliveries allowed before a claimed message is marked as poison: the `deliveryLimit` / `delivery_limit` option. */
  readonly deliveryLimit: number;
  /** Whether the table is created (or migrated) on first use: the `autoSetup` / `auto_setup` option. */
  readonly autoSetup: boolean;
  readonly #serializer: Serializer;
  readonly #connection: PostgresConnection;
  /** The paused transports and the shared limits, in tables next to the messages table. */
  readonly #controls: PostgresWorkerControls;
  readonly #useNotify: boolean;
  readonly #sizer: ClaimSizer;
  readonly #deletes: PerTickBatcher<PendingRemoval>;
  readonly #retry: { label: string; logger: Logger; isConnectionFailure: typeof isConnectionFailure };
  /** Claim deadlines (local ms) that keepalives moved past claim time + timeout, by row id, until acked. */
  readonly #keptAlive = new Map<string, number>();
  readonly #keepalives: PerTickBatcher<readonly [string, number]>;
  readonly #label: string;
  /** `schema.table`, as received stamps name it. */
  readonly #table: string;
  readonly #logger: Logger;
  /** `[queueName]`, allocated once: what get() claims from. */
  readonly #ownQueue: readonly string[];
  /** The queues the worker last asked for (`--queues`): the ones an idle wait watches. */
  #watchedQueues: readonly string[];
  /** Idle waits in a row that ended on an already-due row without a claim since. */
  #dueButNotClaimed = 0;
  /** The next batch, claimed while the worker handles the last one; at most one at a time. */
  #prefetch: Prefetch | undefined;
  /** What the last claim told of the next due row (it took none), for the next idle wait. */
  #lastClaim: { readonly queues: readonly string[]; readonly report: ClaimReport } | undefined;

  constructor(options: PostgresTransportOptions) {
    const name = options.name ?? "postgres";
    const label = `transport "${name}"`;
    this.#label = label;
    const table = parseSqlIdentifierOption(
      options.tableName ?? DEFAULT_TABLE_NAME,
      "tableName",
      label,
      MAX_TABLE_NAME_LENGTH,
    );
    const schema = parseSqlIdentifierOption(
      options.schema ?? "public",
      "schema",
      label,
      MAX_SCHEMA_NAME_LENGTH,
    );
    this.tableName = table;
    this.schema = schema;
    this.#table = `${schema}.${table}`;
    this.queueName = parseQueueNameOption(options.queueName ?? DEFAULT_QUEUE_NAME, "queueName", label);
    const timeout = parseMillisecondsOption(
      options.redeliveryTimeout ?? DEFAULT_REDELIVERY_TIMEOUT_MS,
      "redeliveryTimeout",
      label,
    );
    this.redeliveryTimeout = timeout;
    this.deliveryLimit = parseDeliveryLimitOption(
      options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
      "deliveryLimit",
      label,
    );
    this.autoSetup = parseBooleanOption(options.autoSetup ?? true, "autoSetup", label);
    this.#serializer = options.serializer ?? new JsonSerializer();
    this.#useNotify = options.useNotify ?? true;
    this.#logger = options.logger ?? nullLogger;
    const { host = process.env.PGHOST ?? "localhost", port = 5432, database = "" } = options.connection;
    this.#connection = new PostgresConnection({
      config: options.connection,
      names: schemaNames(schema, table),
      redeliveryTimeoutMs: timeout,
      autoSetup: this.autoSetup,
      label,
      target: options.target ?? `${host}:${port}/${database}`,
      logger: this.#logger,
      symfony: parseBooleanOption(options.symfony ?? false, "symfony", label),
    });
    this.#controls = new PostgresWorkerControls(this.#connection, schemaNames(schema, table));
    this.#sizer = new ClaimSizer(timeout, MAX_CLAIM_BATCH, {
      maxBudgetMs: CLAIM_BUDGET_MS,
      maxBatchBytes: CLAIM_BATCH_BYTES,
      // Sub-millisecond: with a quarter second of budget, a gap read as 1 ms instead of 0.05
      // (Date.now crossing a tick) would halve the batch of a fast consumer.
      now: () => performance.now(),
    });
    this.#retry = { label, logger: this.#logger, isConnectionFailure };
    this.#deletes = new PerTickBatcher<PendingRemoval>((removals) => this.#deleteRows(removals));
    this.#keepalives = new PerTickBatcher((items) =>
      this.#connection.keepalive(
        items.map(([id]) => id),
        items.map(([, extra]) => extra),
      ),
    );
    this.#ownQueue = [this.queueName];
    this.#watchedQueues = this.#ownQueue;
  }

  /**
   * The pool this transport uses, shared with every transport on the same database in this
   * process. Give it to `PostgresTransactionMiddleware`, or use it for the application's queries.
   */
  get pool(): pg.Pool {
    return this.#connection.pool;
  }

  /**
   * One INSERT; through the caller's transaction when the envelope carries a
   * PostgresTransactionStamp (or the transaction middleware is running). The returned envelope's
   * TransportMessageIdStamp holds the row id as a string (a bigint: exact beyond 2^53).
   */
  async send(envelope: Envelope): Promise<Envelope> {
    const client = this.#transactionClient(envelope);
    const encoded = this.#serializer.encode(envelope);
    const deduplication = deduplicationOf(envelope);
    if (deduplication) {
      const delay = dueAfter(delayOf(envelope), deduplication);
      const { id, outcome } = await this.#connection.insertDeduplicated(
        encoded,
        this.queueName,
        delay,
        priorityOf(envelope),
        deduplication,
        client,
      );
      if (outcome === "stored") return envelope.with(new TransportMessageIdStamp(id));
      const replaced = outcome === "replaced";
      return markDeduplicated(
        replaced ? envelope.with(new TransportMessageIdStamp(id)) : envelope,
        deduplication,
        replaced,
        id,
      );
    }
    const id = await this.#connection.insert(
      encoded,
      this.queueName,
      delayOf(envelope),
      priorityOf(envelope),
      client,
    );
    return envelope.with(new TransportMessageIdStamp(id));
  }

  /**
   * One INSERT for all of them, all or none; each envelope comes back with its own id, in order.
   * Envelopes with a deduplication key are sent one by one, in order, as send() does (not all or
   * none then, unless the caller's transaction holds them).
   */
  async sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]> {
    if (envelopes.length === 0) return [];
    if (envelopes.some((envelope) => deduplicationOf(envelope))) {
      const sent: Envelope[] = [];
      for (const envelope of envelopes) sent.push(await this.send(envelope));
      return sent;
    }
    const clients = new Set(envelopes.map((envelope) => this.#transactionClient(envelope)));
    if (clients.size > 1) {
      throw new InvalidArgumentError(
        "sendMany() got envelopes bound to different transactions (PostgresTransactionStamp): one statement runs on one connection; send them in separate calls.",
        { code: "MIXED_TRANSACTIONS" },
      );
    }
    const encoded = envelopes.map((envelope) => this.#serializer.encode(envelope));
    const delays = envelopes.map(delayOf);
    const priorities = envelopes.map(priorityOf);
    const ids = await this.#connection.insertMany(
      encoded,
      this.queueName,
      delays,
      priorities,
      [...clients][0],
    );
    return envelopes.map((envelope, i) => envelope.with(new TransportMessageIdStamp(ids[i]!)));
  }

  get(): Promise<readonly Envelope[]> {
    this.#watchedQueues = this.#ownQueue;
    return this.#claim(this.#ownQueue);
  }

  /** Claims from several queues of the same table, oldest first across them. */
  async getFromQueues(queueNames: readonly string[]): Promise<readonly Envelope[]> {
    if (queueNames.length === 0) return this.get();
    const queues = queueNames.map((queue) => parseQueueNameOption(queue, "queues", this.#label));
    this.#watchedQueues = queues;
    return this.#claim(queues);
  }

  ack(envelope: Envelope): Promise<void> {
    return this.#remove(envelope, "ack");
  }

  reject(envelope: Envelope): Promise<void> {
    return this.#remove(envelope, "reject");
  }

  /** Hands claimed rows back, claimable again at once: a worker stopping before it started them. */
  async release(envelopes: readonly Envelope[]): Promise<void> {
    const ids = envelopes.map((envelope) => this.#rowId(envelope, "release"));
    // Rows handed back are claimable without a notification: the last claim's report is stale.
    if (ids.length > 0) this.#lastClaim = undefined;
    for (const id of ids) this.#keptAlive.delete(id);
    if (ids.length > 0) await this.#connection.release(ids);
  }

  /**
   * Pushes the claim's deadline to now + the redelivery timeout, or now + `seconds` when that is
   * longer (Symfony throws instead). Keepalives issued together go out as one UPDATE.
   */
  async keepalive(envelope: Envelope, seconds?: number): Promise<void> {
    if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
      throw new InvalidArgumentError(`keepalive() seconds must be a number > 0, got ${String(seconds)}.`);
    }
    const extra = seconds === undefined ? 0 : Math.max(0, seconds * 1000 - this.redeliveryTimeout);
    const id = this.#rowId(envelope, "keepalive");
    const sentAt = Date.now();
    await this.#keepalives.add([id, extra]);
    this.#keptAlive.set(id, sentAt + this.redeliveryTimeout + extra);
  }

  async setup(): Promise<void> {
    await this.#connection.setup();
    await this.#controls.setup();
  }

  /** Rows claimable now: due, and not claimed (or claimed longer ago than the redelivery timeout). */
  getMessageCount(): Promise<number> {
    return this.#connection.count(this.queueName);
  }

  /** Every row of the queue, delayed and claimed ones too (what `all()` lists): one count query. */
  getStoredMessageCount(): Promise<number> {
    return this.#connection.countStored(this.queueName);
  }

  /**
   * Every row of the queue (delayed and claimed ones too), oldest first (by id); claims nothing.
   * `after`: only rows with a greater id, so a page goes on where the last one stopped.
   */
  async all(limit?: number, after?: string | number): Promise<readonly Envelope[]> {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new InvalidArgumentError(`all() limit must be a whole number >= 0, got ${String(limit)}.`);
    }
    if (after !== undefined && !/^(0|[1-9]\d{0,18})$/.test(String(after))) {
      throw new InvalidArgumentError(
        `all() after must be a message id of this transport (a whole number >= 0), got ${String(after)}.`,
      );
    }
    const rows = await this.#connection.list(this.queueName, limit ?? null, String(after ?? 0));
    return rows.map((row) => this.#decode(row));
  }

  async find(id: string | number): Promise<Envelope | undefined> {
    const text = String(id);
    // Not an id this table could hold: nothing to find (and nothing to send to the database).
    if (!/^[1-9]\d{0,18}$/.test(text) || BigInt(text) > 9_223_372_036_854_775_807n) return undefined;
    const row = await this.#connection.find(this.queueName, text);
    return row ? this.#decode(row) : undefined;
  }

  /**
   * For an idle worker: resolves on a NOTIFY for a watched queue, when the earliest delayed message
   * or abandoned claim of those queues becomes due, after `maxWaitMs`, or on abort. Never rejects.
   */
  async waitForMessages(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    const last = this.#lastClaim;
    const dueNow = await waitForNotification({
      connection: this.#connection,
      queues: this.#watchedQueues,
      listen: this.#useNotify,
      maxWaitMs,
      signal,
      // Due rows that the next claims cannot take (locked elsewhere) back off up to a second.
      dueFloorMs: this.#dueButNotClaimed === 0 ? 0 : Math.min(1_000, 25 * 2 ** this.#dueButNotClaimed),
      lastClaim: last && sameQueues(last.queues, this.#watchedQueues) ? last.report : undefined,
    });
    if (dueNow) this.#dueButNotClaimed = Math.min(this.#dueButNotClaimed + 1, 10);
  }

  requestRestart(at: number): Promise<void> {
    return this.#connection.requestRestart(at);
  }

  getRestartRequestedAt(): Promise<number | null> {
    return this.#connection.restartRequestedAt();
  }

  /** Upserts the worker's row in `<table>_workers`, expiring `ttl` ms from now on the database clock. */
  beatWorker(heartbeat: WorkerHeartbeat, ttl: number): Promise<void> {
    return this.#connection.beatWorker(heartbeat, ttl);
  }

  /** Live workers; deletes expired rows on the way. Sets nothing up: without the table, none. */
  listWorkers(): Promise<WorkerHeartbeat[]> {
    return this.#connection.listWorkers();
  }

  removeWorker(id: string): Promise<void> {
    return this.#connection.removeWorker(id);
  }

  /** A row in `<table>_paused`: every worker consuming the transport stops fetching from it. */
  pauseTransport(transportName: string): Promise<void> {
    return this.#controls.pause(transportName);
  }

  resumeTransport(transportName: string): Promise<void> {
    return this.#controls.resume(transportName);
  }

  getPausedTransports(): Promise<readonly string[]> {
    return this.#controls.pausedTransports();
  }

  /** A token bucket in `<table>_rates`, shared by every worker on the database (its clock). */
  createRateLimiter(key: string, limit: number, intervalMs: number): RateLimiter {
    return new SharedRateLimiter(
      () => this.#controls.reserveToken(key, limit, intervalMs),
      key,
      limit,
      intervalMs,
      this.#logger,
    );
  }

  /** Leases in `<table>_leases`, slots numbered below the limit, expiring on the database clock. */
  acquireLease(key: string, limit: number, leaseId: string, ttlMs: number): Promise<boolean> {
    return this.#controls.acquireLease(key, limit, leaseId, ttlMs);
  }

  renewLeases(key: string, leaseIds: readonly string[], ttlMs: number): Promise<void> {
    return this.#controls.renewLeases(key, leaseIds, ttlMs);
  }

  releaseLease(key: string, leaseId: string): Promise<void> {
    return this.#controls.releaseLease(key, leaseId);
  }

  /** Adds to the per-minute rows of `<table>_throughput` (created on the first write). */
  recordThroughput(buckets: readonly ThroughputBucket[], now: number): Promise<void> {
    return this.#connection.recordThroughput(buckets, now - THROUGHPUT_RETENTION);
  }

  /** The per-minute rows of these transports from `since` on, summed over workers. */
  readThroughput(transports: readonly string[], since: number): Promise<ThroughputBucket[]> {
    return this.#connection.readThroughput(transports, since);
  }

  /**
   * Hands a prefetched batch back to the table, finishes pending acks and keepalives, then gives
   * the pool back (the last user closes it).
   */
  async close(): Promise<void> {
    const prefetch = this.#prefetch;
    this.#prefetch = undefined;
    await Promise.all([
      prefetch ? this.#release(prefetch) : undefined,
      this.#deletes.drain(),
      this.#keepalives.drain(),
    ]);
    await this.#connection.close();
  }

  /**
   * One claim statement, or the batch prefetched for these queues. After a full batch bigger than
   * one row (the consumer was measured fast enough for batches, and more rows are likely waiting)
   * the next batch is claimed at once, so the worker does not wait a round trip between batches.
   * It is held here until the next get(): no longer than the worker takes to start the batch it
   * just got, which the claim sizer keeps within a quarter second of work (CLAIM_BUDGET_MS), like
   * any row waiting in the worker for a free slot. A different get() or close() hands it back.
   */
  async #claim(queues: readonly string[]): Promise<readonly Envelope[]> {
    let limit: number;
    let result: ClaimResult;
    let claimedAt: number;
    let mark: ListenMark | undefined;
    const prefetch = this.#prefetch;
    this.#prefetch = undefined;
    // A prefetch the worker left alone for long (its transport paused, or at its concurrency
    // limit) may have outlived half its claim: handed back and claimed afresh instead.
    if (
      prefetch &&
      sameQueues(prefetch.queues, queues) &&
      Date.now() - prefetch.claimedAt < this.redeliveryTimeout / 2
    ) {
      limit = prefetch.limit;
      claimedAt = prefetch.claimedAt;
      mark = prefetch.mark;
      result = await prefetch.result;
    } else {
      // First, so that rows of the queues asked for now are among what this claim may take.
      if (prefetch) await this.#release(prefetch);
      limit = this.#sizer.next();
      claimedAt = Date.now();
      mark = this.#listenMark();
      result = await this.#claimCarryingAcks(queues, limit);
    }
    const rows = result.rows;
    this.#lastClaim =
      mark && result.waitMs !== undefined
        ? { queues, report: { mark, waitMs: result.waitMs, at: result.waitMsAt } }
        : undefined;
    this.#sizer.claimed(rows.length, bodyLength(rows));
    if (rows.length > 0) this.#dueButNotClaimed = 0;
    if (limit > 1 && rows.length === limit && this.#prefetch === undefined) {
      const next = this.#sizer.next();
      const nextClaimedAt = Date.now();
      const nextMark = this.#listenMark();
      const claimed = this.#connection.claim(queues, next);
      // Awaited by the next get() or by #release; this only keeps a failure from being "unhandled".
      claimed.catch(ignore);
      this.#prefetch = { queues, limit: next, claimedAt: nextClaimedAt, mark: nextMark, result: claimed };
    }
    return rows.map((row) => this.#decodeClaimed(row, claimedAt));
  }

  /**
   * Makes a prefetched batch claimable again; a failure only means it waits out the timeout. A
   * batch near the end of its claim (left alone while its transport was paused or at its limit) is
   * not handed back: another worker may have claimed its rows once the claim ran out, and a
   * release by id would take them from that worker. It waits out the rest of its claim instead.
   */
  #release(prefetch: Prefetch): Promise<void> {
    if (Date.now() - prefetch.claimedAt >= this.redeliveryTimeout * 0.9) {
      prefetch.result.catch(ignore);
      return Promise.resolve();
    }
    return prefetch.result
      .then(({ rows }) => {
        if (rows.length === 0) return;
        this.#lastClaim = undefined;
        return this.#connection.release(rows.map((row) => row.id));
      })
      .catch((error: unknown) => {
        this.#logger.warn(
          { error },
          "Could not hand back prefetched messages; they are delivered again after the redelivery timeout",
        );
      });
  }

  /**
   * The claim, carrying the acks collected this turn when they are few: the worker that just
   * finished a message asks for the next one in the same statement. When the claim fails, the
   * acks are sent again on their own (nothing of the failed statement was kept).
   */
  #claimCarryingAcks(queues: readonly string[], limit: number): Promise<ClaimResult> {
    const acks = this.#deletes.pending;
    if (acks === 0 || acks > MAX_CARRIED_ACKS || !this.#connection.claimCarriesAcks) {
      return this.#connection.claim(queues, limit);
    }
    let claimed: Promise<ClaimResult> | undefined;
    this.#deletes.sendWith((removals) => {
      const sent = this.#connection.claim(
        queues,
        limit,
        removals.map((removal) => removal.id),
      );
      claimed = sent;
      // The failed claim's acks go through #deleteRows, which forgets their keepalives itself.
      return sent.then(
        () => this.#forgetKeepalives(removals),
        () => this.#deleteRows(removals),
      );
    });
    return claimed ?? this.#connection.claim(queues, limit);
  }

  /** The acks' own DELETE, tried again while the database is unreachable and their claims hold. */
  #deleteRows(removals: PendingRemoval[]): Promise<void> {
    const done = retryUntilClaimsExpire((ids) => this.#connection.delete(ids), removals, this.#retry);
    return this.#keptAlive.size === 0 ? done : done.finally(() => this.#forgetKeepalives(removals));
  }

  /**
   * Taken just before a claim is sent, when the LISTEN of this table is in place: then the claim's
   * report of the next due row can stand in for the idle wait's own lookup (see ClaimReport).
   */
  #listenMark(): ListenMark | undefined {
    return this.#useNotify ? this.#connection.listener.mark(this.#connection.channel) : undefined;
  }

  /** A row that does not decode becomes an UndecodableMessage envelope with its raw body: never an error. */
  #decode(row: MessageRow, claimedAt?: number): Envelope {
    return decodeOrUndecodable(this.#serializer, { body: row.body, headers: row.headers }).with(
      new TransportMessageIdStamp(row.id),
      new PostgresReceivedStamp(row.id, this.#table, claimedAt),
    );
  }

  /** A claimed row, marked as poison when this delivery is beyond the limit. */
  #decodeClaimed(row: ClaimedRow, claimedAt: number): Envelope {
    return markDeliveryLimit(this.#decode(row, claimedAt), row.delivery_count, this.deliveryLimit);
  }

  #forgetKeepalives(removals: readonly PendingRemoval[]): void {
    for (const { id } of removals) this.#keptAlive.delete(id);
  }

  // Not async: one promise per ack is the batch's, shared by every ack in its DELETE.
  #remove(envelope: Envelope, operation: "ack" | "reject"): Promise<void> {
    let stamp: PostgresReceivedStamp;
    try {
      stamp = this.#stamp(envelope, operation);
    } catch (error) {
      return Promise.reject(error);
    }
    const { id, claimedAt } = stamp;
    if (deduplicationOf(envelope)?.mode === "throttle") {
      // Rare, and its key must outlive the row: a statement of its own, outside the batch.
      this.#sizer.finished();
      return this.#connection.deleteKeepingKeys([id], this.queueName);
    }
    // A listed or found row (failed:remove) has no claim of ours: one timeout from now bounds it.
    const claimDeadline = (claimedAt ?? Date.now()) + this.redeliveryTimeout;
    const deadline = this.#keptAlive.size === 0 ? claimDeadline : (this.#keptAlive.get(id) ?? claimDeadline);
    const deleted = this.#deletes.add({ id, deadline });
    // The consumer's pace is when it finishes messages, not when the database confirms: measured
    // here, the second claim of a fresh worker already knows it, without waiting out an ack.
    this.#sizer.finished();
    return deleted;
  }

  #rowId(envelope: Envelope, operation: string): string {
    return this.#stamp(envelope, operation).id;
  }

  #stamp(envelope: Envelope, operation: string): PostgresReceivedStamp {
    const stamp = envelope.last(PostgresReceivedStamp);
    if (!stamp || stamp.table !== this.#table) {
      throw new LogicError(
        `Cannot ${operation} on PostgreSQL table ${this.#table} an envelope ${stamp ? `read from table ${stamp.table}` : "without a PostgresReceivedStamp"}: pass the envelope that this transport's get(), all() or find() returned.`,
        { code: "MISSING_TRANSPORT_MESSAGE_ID" },
      );
    }
    return stamp;
  }

  /** An explicit transaction stamp wins; otherwise the transaction middleware's, if on this database. */
  #transactionClient(envelope: Envelope): pg.ClientBase | undefined {
    const stamp = envelope.last(PostgresTransactionStamp);
    if (stamp) return stamp.client;
    const context = postgresTransactionContext.getStore();
    return context && this.#connection.reaches(context.client, context.pool) ? context.client : undefined;
  }
}

function delayOf(envelope: Envelope): number {
  return envelope.last(DelayStamp)?.delay ?? 0;
}

/** The bodies' length in characters (bytes for ASCII text): what the claim sizer caps a batch by. */
function bodyLength(rows: readonly MessageRow[]): number {
  let length = 0;
  for (const row of rows) length += row.body.length;
  return length;
}
