import { resolve } from "node:path";
import {
  type BulkSender,
  type Clock,
  type CloseableTransport,
  compareWorkerHeartbeats,
  type DeduplicatingSender,
  DelayStamp,
  Envelope,
  type InspectOnlyTransport,
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
  systemClock,
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
  deduplicationOf,
  dueAfter,
  markDeduplicated,
  markDeliveryLimit,
  PerTickBatcher,
  parseQueueNameOption,
  priorityOf,
  type RateLimiter,
  type RestartSignalStore,
  SharedRateLimiter,
  type SharedRateLimiterFactory,
  type TransportPauseStore,
} from "@messenger-ts/core/transport";
import { decodeRow } from "./decode-row.js";
import { adaptSqliteDatabase, isSqliteDatabase, type SqliteDatabase } from "./open-sqlite-database.js";
import { type ClaimedRow, type NewMessage, SqliteConnection } from "./sqlite-connection.js";
import type { SqliteDriverConnection } from "./sqlite-driver.js";
import { isBusyError, isSameDatabase } from "./sqlite-handle.js";
import { SqliteMessageWaiter } from "./sqlite-message-waiter.js";
import { normalizeSqliteTransportOptions, type SqliteTransportOptions } from "./sqlite-options.js";
import { SqliteReceivedStamp } from "./sqlite-received-stamp.js";
import { SqliteTransactionStamp } from "./sqlite-transaction-stamp.js";
import { SqliteWorkerControls } from "./sqlite-worker-controls.js";

/** The most messages one claim takes: one write transaction for ten, when handlers are fast. */
const MAX_CLAIM = 10;
/**
 * How much work one claim takes at most: about a second of this process's recent pace. SQLite has
 * one writer, and a claimed batch waits behind a slow handler while another worker idles, so slow
 * handlers get one message per claim (as Symfony's Doctrine transport claims one).
 */
const CLAIM_BUDGET_MS = 1_000;

/**
 * The Doctrine transport's contract on an SQLite file: messages are rows, a claim is the
 * `delivered_at` time, and several processes can share one file (WAL mode; claims run in
 * IMMEDIATE transactions, so no two processes ever receive the same message).
 *
 * Beyond Symfony: delays keep milliseconds; get() claims a small batch; acknowledgements made in
 * the same tick share one DELETE; keepalive also refreshes the messages of a claimed batch that
 * still wait their turn; an idle worker is woken by sends instead of sleeping its full interval;
 * each claim counts a delivery in the row (`delivery_count`), and a message delivered more than
 * `deliveryLimit` times comes back with a DeliveryLimitExceededStamp.
 */
export class SqliteTransport
  implements
    Transport,
    SetupableTransport,
    MessageCountAware,
    ListableReceiver,
    KeepaliveReceiver,
    QueueReceiver,
    BulkSender,
    CloseableTransport,
    MessageWaiter,
    RestartSignalStore,
    InspectOnlyTransport,
    WorkerRegistry,
    TransportPauseStore,
    SharedRateLimiterFactory,
    ConcurrencyLeaseStore,
    ThroughputStore,
    DeduplicatingSender,
    PriorityAwareReceiver
{
  readonly supportsDeduplication = true;
  readonly supportsPriority = true;
  readonly name: string;
  /** The absolute file path, or ":memory:"; undefined for a handle given as `database`. */
  readonly path: string | undefined;
  readonly tableName: string;
  readonly queueName: string;
  /** Milliseconds; the worker sends keepalives at a third of it. */
  readonly redeliveryTimeout: number;
  /** Deliveries allowed without an ack or reject; the one after is marked for the failure transport. */
  readonly deliveryLimit: number;
  /** Whether the table is created (or migrated) on first use: the `autoSetup` / `auto_setup` option. */
  readonly autoSetup: boolean;
  readonly #connection: SqliteConnection;
  /** The paused transports and the shared limits, in tables next to the messages table. */
  readonly #controls: SqliteWorkerControls;
  readonly #serializer: Serializer;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #waiter: SqliteMessageWaiter;
  /** Claimed through this transport and neither acked nor rejected yet. */
  readonly #handedOut = new Set<number>();
  readonly #deletes = new PerTickBatcher<number>((ids) => this.#connection.delete(ids));
  readonly #touches = new PerTickBatcher<number>((ids) =>
    this.#connection.touch([...new Set([...ids, ...this.#handedOut])], this.#clock.now()),
  );
  readonly #claimSizer: ClaimSizer;
  #waitQueues: readonly string[];
  #closed = new AbortController();
  #warnedAboutTransaction = false;

  constructor(options: SqliteTransportOptions) {
    this.name = options.name ?? "sqlite";
    const label = `SqliteTransport "${this.name}"`;
    const resolved = normalizeSqliteTransportOptions(options, label);
    if ((options.path === undefined) === (options.database === undefined)) {
      throw new InvalidArgumentError(
        `${label} needs exactly one of "path" (a file, or ":memory:") and "database" (an open better-sqlite3 Database or node:sqlite DatabaseSync).`,
        { code: "INVALID_TRANSPORT_OPTION" },
      );
    }
    if (options.database !== undefined && !isSqliteDatabase(options.database)) {
      throw new InvalidArgumentError(
        `${label}: "database" must be an open better-sqlite3 Database or node:sqlite DatabaseSync, got ${options.database === null ? "null" : typeof options.database}.`,
        { code: "INVALID_TRANSPORT_OPTION" },
      );
    }
    const path =
      options.path === ":memory:" || options.path === undefined ? options.path : resolve(options.path);
    this.path = path;
    this.tableName = resolved.tableName;
    this.queueName = resolved.queueName;
    this.redeliveryTimeout = resolved.redeliveryTimeout;
    this.deliveryLimit = resolved.deliveryLimit;
    this.autoSetup = resolved.autoSetup;
    this.#claimSizer = new ClaimSizer(this.redeliveryTimeout, MAX_CLAIM, { maxBudgetMs: CLAIM_BUDGET_MS });
    this.#serializer = options.serializer ?? new JsonSerializer();
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
    this.#waitQueues = [this.queueName];
    this.#connection = new SqliteConnection({
      path,
      database: options.database && adaptSqliteDatabase(options.database),
      driver: resolved.driver,
      tableName: this.tableName,
      autoSetup: resolved.autoSetup,
      where: `"${this.name}" (table "${this.tableName}" in ${path ?? "the given database"})`,
    });
    this.#waiter = new SqliteMessageWaiter(this.#connection, this.#clock, this.redeliveryTimeout);
    this.#controls = new SqliteWorkerControls(this.#connection, this.tableName);
  }

  /**
   * The driver's handle (opened on first use; shared by the transports on the same file in this
   * process): a node:sqlite DatabaseSync or a better-sqlite3 Database, see {@link driver}. Write
   * business data through it to join SqliteTransactionMiddleware's transaction.
   */
  get database(): SqliteDatabase {
    return this.#connection.database.native as SqliteDatabase;
  }

  /** The driver of {@link database} (opens the file, as `database` does). */
  get driver(): "node:sqlite" | "better-sqlite3" {
    return this.#connection.database.driver;
  }

  /**
   * From now on this transport creates no directory, file or table: a missing file is a
   * TransportError (SQLITE_DATABASE_NOT_FOUND) naming it. Status commands call it before counting.
   */
  inspectOnly(): void {
    this.#connection.inspectOnly();
  }

  /** Creates or migrates the table; idempotent, and safe while other processes do the same. */
  async setup(): Promise<void> {
    await this.#connection.setup();
    await this.#controls.setup();
  }

  async send(envelope: Envelope): Promise<Envelope> {
    return (await this.#store([envelope]))[0]!;
  }

  /** One transaction for all of them: all or none. */
  async sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]> {
    return envelopes.length === 0 ? [] : this.#store(envelopes);
  }

  async get(): Promise<readonly Envelope[]> {
    this.#waitQueues = [this.queueName];
    return this.#claim(this.#waitQueues);
  }

  /** Claims from any of these queues of the table, oldest due first (`--queues`). */
  async getFromQueues(queueNames: readonly string[]): Promise<readonly Envelope[]> {
    if (!Array.isArray(queueNames) || queueNames.length === 0) {
      throw new InvalidArgumentError(
        `getFromQueues() of transport "${this.name}" needs at least one queue name.`,
      );
    }
    const label = `transport "${this.name}"`;
    this.#waitQueues = [...new Set(queueNames.map((queue) => parseQueueNameOption(queue, "queues", label)))];
    return this.#claim(this.#waitQueues);
  }

  async ack(envelope: Envelope): Promise<void> {
    await this.#finish(envelope, "ack");
  }

  async reject(envelope: Envelope): Promise<void> {
    await this.#finish(envelope, "reject");
  }

  /**
   * Hands claimed messages back, claimable again at once and without counting the delivery: a
   * worker stopping before it started them.
   */
  async release(envelopes: readonly Envelope[]): Promise<void> {
    const ids = envelopes.map((envelope) => this.#rowIdOf(envelope, "release"));
    if (ids.length === 0) return;
    // No longer ours: the next keepalive must not claim them again, nor a pending one after this.
    for (const id of ids) this.#handedOut.delete(id);
    await this.#touches.drain();
    await this.#connection.release(ids);
  }

  /**
   * Refreshes the claim of this message and of every other one this transport handed out and that
   * is not finished: the worker keeps alive only the messages in handlers, while the rest of a
   * claimed batch waits its turn. `seconds` is when the caller will call again; as in Symfony it
   * may not exceed the redelivery timeout, or the claim would lapse in between.
   */
  async keepalive(envelope: Envelope, seconds?: number): Promise<void> {
    if (seconds !== undefined && !(seconds > 0 && seconds * 1000 <= this.redeliveryTimeout)) {
      throw new InvalidArgumentError(
        `Keepalive interval ${String(seconds)} s of transport "${this.name}" must be > 0 and at most its redeliver_timeout (${this.redeliveryTimeout / 1000} s).`,
        { code: "INVALID_KEEPALIVE_INTERVAL" },
      );
    }
    await this.#touches.add(this.#rowIdOf(envelope, "keep alive"));
  }

  /** Messages a get() could claim now: due, and not claimed (or claimed longer ago than the timeout). */
  async getMessageCount(): Promise<number> {
    await this.#connection.ready();
    const now = this.#clock.now();
    return this.#connection.count(this.queueName, now, now - this.redeliveryTimeout);
  }

  /** Every message of the queue, delayed and claimed ones too (what `all()` lists): one count query. */
  async getStoredMessageCount(): Promise<number> {
    await this.#connection.ready();
    return this.#connection.countStored(this.queueName);
  }

  /**
   * Every stored message of the queue, claimed and delayed ones too, in send order (by id); claims
   * nothing. `after`: only messages with a greater id, so a page goes on where the last one stopped.
   */
  async all(limit?: number, after?: string | number): Promise<readonly Envelope[]> {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new InvalidArgumentError(`all() limit must be a whole number >= 0, got ${String(limit)}.`);
    }
    const from = after === undefined ? 0 : after === 0 || after === "0" ? 0 : toRowId(after);
    if (from === undefined) {
      throw new InvalidArgumentError(
        `all() after must be a message id of this transport (a whole number >= 0), got ${String(after)}.`,
      );
    }
    await this.#connection.ready();
    const rows = await this.#connection.list(this.queueName, limit ?? -1, from);
    return rows.map((row) => decodeRow(this.#serializer, row));
  }

  async find(id: string | number): Promise<Envelope | undefined> {
    const rowId = toRowId(id);
    if (rowId === undefined) return undefined;
    await this.#connection.ready();
    const row = await this.#connection.find(this.queueName, rowId);
    return row && decodeRow(this.#serializer, row);
  }

  waitForMessages(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    return this.#waiter.wait(this.#waitQueues, maxWaitMs, signal, this.#closed.signal);
  }

  async requestRestart(at: number): Promise<void> {
    await this.#connection.ready();
    await this.#connection.requestRestart(at);
  }

  async getRestartRequestedAt(): Promise<number | null> {
    await this.#connection.ready();
    return this.#connection.restartRequestedAt();
  }

  /**
   * Upserts the worker's row in `<table>_workers`, expiring `ttl` ms from now. Times are this
   * process's clock: processes sharing a file share a machine, or at least should share the time.
   */
  async beatWorker(heartbeat: WorkerHeartbeat, ttl: number): Promise<void> {
    await this.#connection.ready();
    await this.#connection.beatWorker(heartbeat.id, JSON.stringify(heartbeat), this.#clock.now() + ttl);
  }

  /** Live workers; deletes expired rows on the way. Sets nothing up: without the table, none. */
  async listWorkers(): Promise<WorkerHeartbeat[]> {
    const rows = await this.#connection.listWorkers(this.#clock.now());
    return rows.map((row) => JSON.parse(row) as WorkerHeartbeat).sort(compareWorkerHeartbeats);
  }

  /** A row in `<table>_paused`: every worker consuming the transport stops fetching from it. */
  pauseTransport(transportName: string): Promise<void> {
    return this.#controls.pause(transportName, this.#clock.now());
  }

  resumeTransport(transportName: string): Promise<void> {
    return this.#controls.resume(transportName);
  }

  /** Creates nothing: without the table, nothing is paused. */
  getPausedTransports(): Promise<readonly string[]> {
    return this.#controls.pausedTransports();
  }

  /** A token bucket in `<table>_rates`, shared by every process using the file. */
  createRateLimiter(key: string, limit: number, intervalMs: number): RateLimiter {
    return new SharedRateLimiter(
      () => this.#controls.reserveToken(key, limit, intervalMs, this.#clock.now()),
      key,
      limit,
      intervalMs,
      this.#logger,
    );
  }

  /** Leases in `<table>_leases`, counted and taken in one write transaction. */
  acquireLease(key: string, limit: number, leaseId: string, ttlMs: number): Promise<boolean> {
    return this.#controls.acquireLease(key, limit, leaseId, ttlMs, this.#clock.now());
  }

  renewLeases(key: string, leaseIds: readonly string[], ttlMs: number): Promise<void> {
    return this.#controls.renewLeases(key, leaseIds, ttlMs, this.#clock.now());
  }

  releaseLease(key: string, leaseId: string): Promise<void> {
    return this.#controls.releaseLease(key, leaseId);
  }

  async removeWorker(id: string): Promise<void> {
    await this.#connection.removeWorker(id);
  }

  /** Adds to the per-minute rows of `<table>_throughput` (created on the first write). */
  async recordThroughput(buckets: readonly ThroughputBucket[], now: number): Promise<void> {
    await this.#connection.ready();
    await this.#connection.recordThroughput(buckets, now - THROUGHPUT_RETENTION);
  }

  /** The per-minute rows of these transports from `since` on, summed over workers. */
  readThroughput(transports: readonly string[], since: number): Promise<ThroughputBucket[]> {
    return this.#connection.readThroughput(transports, since);
  }

  /**
   * Finishes pending acknowledgements, ends idle waits and lets go of the handle. Messages claimed
   * but not finished stay claimed and come back after the redelivery timeout.
   */
  async close(): Promise<void> {
    this.#closed.abort();
    this.#closed = new AbortController();
    await Promise.all([this.#deletes.drain(), this.#touches.drain()]);
    this.#connection.close();
  }

  async #store(envelopes: readonly Envelope[]): Promise<Envelope[]> {
    const db = this.#databaseFor(envelopes);
    const now = this.#clock.now();
    // Everything is encoded before anything is stored: a message that cannot be encoded stores none.
    const rows = envelopes.map((envelope) => {
      const encoded = this.#serializer.encode(envelope);
      return {
        body: encoded.body,
        headers: JSON.stringify(encoded.headers),
        queueName: this.queueName,
        createdAt: now,
        // Milliseconds kept as they are: Symfony rounds this one down to whole seconds.
        availableAt: now + dueAfter(envelope.last(DelayStamp)?.delay ?? 0, deduplicationOf(envelope)),
        priority: priorityOf(envelope),
      };
    });
    await this.#connection.ready(db);
    if (envelopes.some((envelope) => deduplicationOf(envelope))) {
      // One by one, in order: each send with a key is a transaction of its own.
      const sent: Envelope[] = [];
      for (const [i, envelope] of envelopes.entries()) {
        sent.push(await this.#storeDeduplicated(envelope, rows[i]!, db));
      }
      return sent;
    }
    const ids = await this.#connection.insert(rows, db);
    return envelopes.map((envelope, i) => envelope.with(new TransportMessageIdStamp(ids[i]!)));
  }

  async #storeDeduplicated(
    envelope: Envelope,
    row: NewMessage,
    db: SqliteDriverConnection | undefined,
  ): Promise<Envelope> {
    const deduplication = deduplicationOf(envelope);
    if (!deduplication) {
      const [id] = await this.#connection.insert([row], db);
      return envelope.with(new TransportMessageIdStamp(id!));
    }
    const { mode } = deduplication;
    const { id, outcome } = await this.#connection.insertDeduplicated(
      row,
      {
        key: deduplication.key,
        until: row.createdAt + deduplication.ttl,
        inQueue: deduplication.releasedOnClaim,
        replace: mode === "replace" || mode === "debounce",
        extend: mode === "debounce",
      },
      db,
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

  /** The application's handle from a SqliteTransactionStamp, checked to reach our file; else ours. */
  #databaseFor(envelopes: readonly Envelope[]): SqliteDriverConnection | undefined {
    const native = envelopes[0]!.last(SqliteTransactionStamp)?.database;
    if (envelopes.some((envelope) => envelope.last(SqliteTransactionStamp)?.database !== native)) {
      throw new InvalidArgumentError(
        `sendMany() on transport "${this.name}": give every envelope the same SqliteTransactionStamp handle, or none.`,
        { code: "INVALID_STAMP" },
      );
    }
    if (!native) return undefined;
    const db = adaptSqliteDatabase(native);
    if (!db.open || !isSameDatabase(db, this.#connection.database)) {
      throw new InvalidArgumentError(
        `The SqliteTransactionStamp handle (${db.open ? db.name : "closed"}) does not reach the database of transport "${this.name}" (${this.#connection.database.name}): a transaction cannot span two databases.`,
        { code: "INVALID_STAMP" },
      );
    }
    return db;
  }

  async #claim(queues: readonly string[]): Promise<Envelope[]> {
    await this.#connection.ready();
    if (this.#connection.database.inTransaction) {
      // A claim inside someone else's transaction would be undone by its rollback while the
      // message is being handled, and handed out twice. Typically the transaction middleware
      // with a worker concurrency above 1 on one handle.
      if (!this.#warnedAboutTransaction) {
        this.#warnedAboutTransaction = true;
        this.#logger.warn(
          { transport: this.name },
          "The SQLite handle is inside a transaction; not claiming until it ends (SqliteTransactionMiddleware needs worker concurrency 1 per handle)",
        );
      }
      return [];
    }
    const now = this.#clock.now();
    let rows: ClaimedRow[];
    try {
      rows = await this.#connection.claim(queues, now, now - this.redeliveryTimeout, this.#claimSizer.next());
    } catch (error) {
      if (!isBusyError(error)) throw error;
      this.#logger.debug({ transport: this.name }, "The SQLite file is busy; treating this round as empty");
      return [];
    }
    this.#claimSizer.claimed(rows.length);
    if (rows.length > 0) this.#waiter.reset();
    return rows.map((row) => {
      this.#handedOut.add(row.id);
      return markDeliveryLimit(decodeRow(this.#serializer, row), row.delivery_count, this.deliveryLimit);
    });
  }

  #finish(envelope: Envelope, operation: string): Promise<void> {
    const id = this.#rowIdOf(envelope, operation);
    this.#handedOut.delete(id);
    this.#claimSizer.finished();
    if (deduplicationOf(envelope)?.mode === "throttle") {
      // Rare, and its key must outlive the row: a statement of its own, outside the batch.
      return this.#connection.deleteKeepingKeys([id], this.queueName, this.#clock.now());
    }
    return this.#deletes.add(id);
  }

  #rowIdOf(envelope: Envelope, operation: string): number {
    const id = toRowId(envelope.last(SqliteReceivedStamp)?.id ?? envelope.last(TransportMessageIdStamp)?.id);
    if (id === undefined) {
      throw new LogicError(
        `Cannot ${operation} an envelope without a SqliteReceivedStamp or TransportMessageIdStamp on transport "${this.name}": pass the envelope that get() returned.`,
        { code: "MISSING_TRANSPORT_MESSAGE_ID" },
      );
    }
    return id;
  }
}

function toRowId(id: unknown): number | undefined {
  const n = typeof id === "number" ? id : typeof id === "string" && /^\d{1,15}$/.test(id) ? Number(id) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
