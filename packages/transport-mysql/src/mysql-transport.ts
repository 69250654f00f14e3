import {
  type BulkSender,
  type CloseableTransport,
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
  type QueueReceiver,
  type Serializer,
  type SetupableTransport,
  type Transport,
  TransportMessageIdStamp,
  type WorkerHeartbeat,
  type WorkerRegistry,
} from "@messenger-ts/core";
import {
  ClaimSizer,
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_QUEUE_NAME,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  DEFAULT_TABLE_NAME,
  decodeOrUndecodable,
  invalid,
  markDeliveryLimit,
  type PendingRemoval,
  PerTickBatcher,
  parseBooleanOption,
  parseDeliveryLimitOption,
  parseMillisecondsOption,
  parseQueueNameOption,
  parseSqlIdentifierOption,
  type RestartSignalStore,
  retryUntilClaimsExpire,
} from "@messenger-ts/core/transport";
import type { Connection, Pool, PoolOptions } from "mysql2/promise";
import { isConnectionFailure } from "./connection-failure.js";
import { mysqlTransactionContext } from "./current-mysql-connection.js";
import { type ClaimedRow, type MessageRow, MysqlConnection } from "./mysql-connection.js";
import {
  CLAIM_BUDGET_MS,
  DEFAULT_POLL_INTERVAL_MS,
  MAX_CLAIM_BATCH,
  MAX_POLL_INTERVAL_MS,
  MAX_TABLE_NAME_LENGTH,
  MIN_POLL_INTERVAL_MS,
} from "./mysql-options.js";
import { MysqlReceivedStamp } from "./mysql-received-stamp.js";
import { MysqlTransactionStamp } from "./mysql-transaction-stamp.js";
import { pollForMessages } from "./poll-for-messages.js";
import { schemaNames } from "./schema.js";

/** A claim made ahead of the worker's next `get()`, while it handles the batch before. */
interface Prefetch {
  readonly queues: readonly string[];
  readonly limit: number;
  /** When the claim was sent (ms): see MysqlReceivedStamp.claimedAt. */
  readonly claimedAt: number;
  readonly rows: Promise<ClaimedRow[]>;
}

function sameQueues(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const ignore = () => {};

/** Options of {@link MysqlTransport}; the `mysql://`, `mariadb://` and `doctrine://` DSNs are a front end to them. */
export interface MysqlTransportOptions {
  /** Where to connect (host, port, user, password, database, ssl), as mysql2 takes it. */
  readonly connection: PoolOptions;
  /** @defaultValue a JsonSerializer */
  readonly serializer?: Serializer;
  /** @defaultValue "messenger_messages" */
  readonly tableName?: string;
  /** Many logical queues share one table. @defaultValue "default" */
  readonly queueName?: string;
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
  /**
   * Milliseconds between two looks of an idle worker for messages other processes sent (MySQL
   * has no LISTEN/NOTIFY; sends of the same process wake it at once). @defaultValue 100 (DEFAULT_POLL_INTERVAL_MS)
   */
  readonly pollInterval?: number;
  /** The transport's name in errors and logs. @defaultValue "mysql" */
  readonly name?: string;
  /** The database as errors may show it (no credentials). @defaultValue host:port/database */
  readonly target?: string;
  readonly logger?: Logger;
}

/**
 * Symfony's Doctrine transport on MySQL and MariaDB: one table, many queues, claims by
 * `delivered_at` with `FOR UPDATE SKIP LOCKED` at READ COMMITTED (no deadlocks between workers,
 * senders and acknowledgements), polling for idle workers, and sends that can join the caller's
 * transaction (the outbox). Behaviour notes are in the package README.
 */
export class MysqlTransport
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
    CloseableTransport
{
  readonly queueName: string;
  readonly tableName: string;
  /** The database the table is in, as errors and received stamps name it. */
  readonly database: string;
  /** Milliseconds (the DSN's `redeliver_timeout` is in seconds); the worker keeps alive at a third of it. */
  readonly redeliveryTimeout: number;
  /** Deliveries allowed before a claimed message is marked as poison: the `deliveryLimit` / `delivery_limit` option. */
  readonly deliveryLimit: number;
  /** Whether the table is created (or migrated) on first use: the `autoSetup` / `auto_setup` option. */
  readonly autoSetup: boolean;
  readonly #serializer: Serializer;
  readonly #connection: MysqlConnection;
  readonly #pollInterval: number;
  readonly #sizer: ClaimSizer;
  readonly #deletes: PerTickBatcher<PendingRemoval>;
  /** Claim deadlines (local ms) that keepalives moved past claim time + timeout, by row id, until acked. */
  readonly #keptAlive = new Map<string, number>();
  readonly #keepalives: PerTickBatcher<readonly [string, number]>;
  readonly #label: string;
  /** `database.table`, as received stamps name it. */
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

  constructor(options: MysqlTransportOptions) {
    const name = options.name ?? "mysql";
    const label = `transport "${name}"`;
    this.#label = label;
    const table = parseSqlIdentifierOption(
      options.tableName ?? DEFAULT_TABLE_NAME,
      "tableName",
      label,
      MAX_TABLE_NAME_LENGTH,
    );
    this.tableName = table;
    const database = options.connection.database ?? "";
    this.database = database;
    this.#table = `${database}.${table}`;
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
    this.#pollInterval = parseMillisecondsOption(
      options.pollInterval ?? DEFAULT_POLL_INTERVAL_MS,
      "pollInterval",
      label,
    );
    if (this.#pollInterval < MIN_POLL_INTERVAL_MS || this.#pollInterval > MAX_POLL_INTERVAL_MS) {
      throw invalid(
        "pollInterval",
        this.#pollInterval,
        label,
        `milliseconds from ${MIN_POLL_INTERVAL_MS} to ${MAX_POLL_INTERVAL_MS}`,
      );
    }
    this.#logger = options.logger ?? nullLogger;
    const { host = "localhost", port = 3306 } = options.connection;
    this.#connection = new MysqlConnection({
      config: options.connection,
      names: schemaNames(table),
      redeliveryTimeoutMs: timeout,
      autoSetup: this.autoSetup,
      label,
      target: options.target ?? `${host}:${port}/${database}`,
    });
    this.#sizer = new ClaimSizer(timeout, MAX_CLAIM_BATCH, {
      maxBudgetMs: CLAIM_BUDGET_MS,
      // Sub-millisecond: with a quarter second of budget, a gap read as 1 ms instead of 0.05
      // (Date.now crossing a tick) would halve the batch of a fast consumer.
      now: () => performance.now(),
    });
    const retry = { label, logger: this.#logger, isConnectionFailure };
    this.#deletes = new PerTickBatcher((removals) => {
      const done = retryUntilClaimsExpire((ids) => this.#connection.delete(ids), removals, retry);
      return this.#keptAlive.size === 0 ? done : done.finally(() => this.#forgetKeepalives(removals));
    });
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
   * process. Give it to `MysqlTransactionMiddleware`, or use it for the application's queries
   * (its sessions run at READ COMMITTED).
   */
  get pool(): Pool {
    return this.#connection.pool;
  }

  /**
   * One INSERT; through the caller's transaction when the envelope carries a
   * MysqlTransactionStamp (or the transaction middleware is running). The returned envelope's
   * TransportMessageIdStamp holds the row id as a string (a BIGINT: exact beyond 2^53).
   */
  async send(envelope: Envelope): Promise<Envelope> {
    const connection = this.#transactionConnection(envelope);
    const encoded = this.#serializer.encode(envelope);
    const id = await this.#connection.insert(encoded, this.queueName, delayOf(envelope), connection);
    if (!connection) this.#wake();
    return envelope.with(new TransportMessageIdStamp(id));
  }

  /** One INSERT for all of them, all or none; each envelope comes back with its own id, in order. */
  async sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]> {
    if (envelopes.length === 0) return [];
    const connections = new Set(envelopes.map((envelope) => this.#transactionConnection(envelope)));
    if (connections.size > 1) {
      throw new InvalidArgumentError(
        "sendMany() got envelopes bound to different transactions (MysqlTransactionStamp): one statement runs on one connection; send them in separate calls.",
        { code: "MIXED_TRANSACTIONS" },
      );
    }
    const encoded = envelopes.map((envelope) => this.#serializer.encode(envelope));
    const delays = envelopes.map(delayOf);
    const connection = [...connections][0];
    const ids = await this.#connection.insertMany(encoded, this.queueName, delays, connection);
    if (!connection) this.#wake();
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

  setup(): Promise<void> {
    return this.#connection.setup();
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
   * For an idle worker: resolves when a look at the table (every `pollInterval` ms) finds a watched
   * queue's message due, at once when this process sends to one, when the earliest delayed
   * message or abandoned claim of those queues becomes due, after `maxWaitMs`, or on abort.
   * Never rejects.
   */
  async waitForMessages(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    const dueNow = await pollForMessages({
      connection: this.#connection,
      queues: this.#watchedQueues,
      intervalMs: this.#pollInterval,
      maxWaitMs,
      signal,
      // Due rows that the next claims cannot take (locked elsewhere) back off up to a second.
      dueFloorMs: this.#dueButNotClaimed === 0 ? 0 : Math.min(1_000, 25 * 2 ** this.#dueButNotClaimed),
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
    let rows: ClaimedRow[];
    let claimedAt: number;
    const prefetch = this.#prefetch;
    this.#prefetch = undefined;
    if (prefetch && sameQueues(prefetch.queues, queues)) {
      limit = prefetch.limit;
      claimedAt = prefetch.claimedAt;
      rows = await prefetch.rows;
    } else {
      // First, so that rows of the queues asked for now are among what this claim may take.
      if (prefetch) await this.#release(prefetch);
      limit = this.#sizer.next();
      claimedAt = Date.now();
      rows = await this.#connection.claim(queues, limit);
    }
    this.#sizer.claimed(rows.length);
    if (rows.length > 0) this.#dueButNotClaimed = 0;
    if (limit > 1 && rows.length === limit && this.#prefetch === undefined) {
      const next = this.#sizer.next();
      const nextClaimedAt = Date.now();
      const claimed = this.#connection.claim(queues, next);
      // Awaited by the next get() or by #release; this only keeps a failure from being "unhandled".
      claimed.catch(ignore);
      this.#prefetch = { queues, limit: next, claimedAt: nextClaimedAt, rows: claimed };
    }
    return rows.map((row) => this.#decodeClaimed(row, claimedAt));
  }

  /** Makes a prefetched batch claimable again; a failure only means it waits out the timeout. */
  #release(prefetch: Prefetch): Promise<void> {
    return prefetch.rows
      .then((rows) => (rows.length > 0 ? this.#connection.release(rows.map((row) => row.id)) : undefined))
      .catch((error: unknown) => {
        this.#logger.warn(
          { error },
          "Could not hand back prefetched messages; they are delivered again after the redelivery timeout",
        );
      });
  }

  /** A row that does not decode becomes an UndecodableMessage envelope with its raw body: never an error. */
  #decode(row: MessageRow, claimedAt?: number): Envelope {
    return decodeOrUndecodable(this.#serializer, { body: row.body, headers: row.headers }).with(
      new TransportMessageIdStamp(row.id),
      new MysqlReceivedStamp(row.id, this.#table, claimedAt),
    );
  }

  /** A claimed row, marked as poison when this delivery is beyond the limit. */
  #decodeClaimed(row: ClaimedRow, claimedAt: number): Envelope {
    return markDeliveryLimit(this.#decode(row, claimedAt), row.deliveryCount, this.deliveryLimit);
  }

  #forgetKeepalives(removals: readonly PendingRemoval[]): void {
    for (const { id } of removals) this.#keptAlive.delete(id);
  }

  // Not async: one promise per ack is the batch's, shared by every ack in its DELETE.
  #remove(envelope: Envelope, operation: "ack" | "reject"): Promise<void> {
    let stamp: MysqlReceivedStamp;
    try {
      stamp = this.#stamp(envelope, operation);
    } catch (error) {
      return Promise.reject(error);
    }
    const { id, claimedAt } = stamp;
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

  #stamp(envelope: Envelope, operation: string): MysqlReceivedStamp {
    const stamp = envelope.last(MysqlReceivedStamp);
    if (!stamp || stamp.table !== this.#table) {
      throw new LogicError(
        `Cannot ${operation} on MySQL table ${this.#table} an envelope ${stamp ? `read from table ${stamp.table}` : "without a MysqlReceivedStamp"}: pass the envelope that this transport's get(), all() or find() returned.`,
        { code: "MISSING_TRANSPORT_MESSAGE_ID" },
      );
    }
    return stamp;
  }

  /** An explicit transaction stamp wins; otherwise the transaction middleware's, if on this database. */
  #transactionConnection(envelope: Envelope): Connection | undefined {
    const stamp = envelope.last(MysqlTransactionStamp);
    if (stamp) return stamp.connection;
    const context = mysqlTransactionContext.getStore();
    return context && this.#connection.reaches(context.connection, context.pool)
      ? context.connection
      : undefined;
  }

  /** Wakes this process's idle waits on the queue: its rows are committed and claimable. */
  #wake(): void {
    for (const wake of [...this.#connection.wakers]) wake(this.queueName);
  }
}

function delayOf(envelope: Envelope): number {
  return envelope.last(DelayStamp)?.delay ?? 0;
}
