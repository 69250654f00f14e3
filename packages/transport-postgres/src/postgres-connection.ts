import {
  compareWorkerHeartbeats,
  type DeduplicateStamp,
  type EncodedEnvelope,
  InvalidArgumentError,
  type Logger,
  MessengerError,
  type ThroughputBucket,
  TransportAuthenticationError,
  TransportError,
  type WorkerHeartbeat,
} from "@messenger-ts/core";
import type pg from "pg";
import { binaryTextArray } from "./binary-text-array.js";
import { type Statement, statements } from "./postgres-statements.js";
import { readThroughput, recordThroughput } from "./postgres-throughput.js";
import {
  migrationStatements,
  parseSchemaVersion,
  SCHEMA_VERSION,
  type SchemaNames,
  SETUP_LOCK_KEY,
  schemaStatements,
  workersTableStatement,
} from "./schema.js";
import { acquireDatabase, releaseDatabase, type SharedDatabase, sameDatabase } from "./shared-database.js";
import {
  parseSymfonyHeaders,
  symfonyChannel,
  symfonySchemaStatements,
  symfonyStatements,
} from "./symfony-table.js";

/** One row as a claim, list or find returns it. `headers` is jsonb, parsed once by the driver. */
export interface MessageRow {
  readonly id: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A row a claim took, with the number of this delivery (1 for the first). */
export interface ClaimedRow extends MessageRow {
  readonly delivery_count: number;
}

/** What one claim took, and, when it took nothing, when the next row becomes due. */
export interface ClaimResult {
  readonly rows: ClaimedRow[];
  /**
   * Milliseconds (database clock) until a row of the queues becomes claimable, as `msUntilDue`
   * tells it, measured after the claim; null when the queues hold no rows; undefined when the claim
   * did not tell (it took rows, or the table is Symfony's).
   */
  readonly waitMs: number | null | undefined;
  /** When the answer arrived (performance.now()): `waitMs` counts from about then. */
  readonly waitMsAt: number;
}

export interface PostgresConnectionSettings {
  /** Connection settings for the pool and the LISTEN client (password included; never logged). */
  readonly config: pg.ClientConfig;
  readonly names: SchemaNames;
  readonly redeliveryTimeoutMs: number;
  readonly autoSetup: boolean;
  /** `transport "async"`: how errors name the transport. */
  readonly label: string;
  /** `127.0.0.1:5432/app`: how errors name the database, without credentials. */
  readonly target: string;
  readonly logger: Logger;
  /** Work on Symfony's Doctrine table layout (the `symfony` option); see symfony-table.ts. */
  readonly symfony?: boolean;
}

/**
 * All SQL of the transport. Hot statements are named, so each pooled connection parses and
 * plans them once (the name is a hash of the text: transports on other tables share the pool).
 * Every driver error leaves here as a TransportError naming the operation, with the driver's
 * error as `cause`, and never a password.
 */
export class PostgresConnection {
  readonly #settings: PostgresConnectionSettings;
  readonly #sql: ReturnType<typeof statements>;
  #database: SharedDatabase | undefined;
  #setupDone: Promise<void> | undefined;

  constructor(settings: PostgresConnectionSettings) {
    this.#settings = settings;
    const own = statements(settings.names);
    this.#sql = settings.symfony ? symfonyStatements(settings.names, own) : own;
  }

  /** The shared pool (connecting lazily): for the transaction middleware and the app's own queries. */
  get pool(): pg.Pool {
    return this.#db().pool;
  }

  get channel(): string {
    return this.#settings.symfony ? symfonyChannel(this.#settings.names) : this.#settings.names.channel;
  }

  /** Whether a client taken from some pool talks to this transport's database (then sends may join its transaction). */
  reaches(client: pg.ClientBase, pool?: pg.Pool): boolean {
    const database = this.#db();
    return pool === database.pool || sameDatabase(database.identity, client);
  }

  /**
   * Creates or checks the tables, index, trigger and restart table. Idempotent; concurrent setups
   * (several workers starting at once) queue on an advisory lock inside one transaction.
   */
  async setup(): Promise<void> {
    await this.#wrap("set up its tables", async () => {
      const client = await this.#db().pool.connect();
      let broken: Error | undefined;
      // A checked-out client that breaks between statements emits 'error': unhandled, that crashes.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      try {
        if (this.#settings.symfony) {
          await this.#setupSymfony(client);
          return;
        }
        // Fast path without the lock: a worker start finds the tables at the current version.
        if (
          (await this.#installedVersion(client)) === SCHEMA_VERSION &&
          (await this.#hasWorkersTable(client))
        )
          return;
        await client.query("BEGIN");
        try {
          await client.query("SELECT pg_advisory_xact_lock($1)", [SETUP_LOCK_KEY]);
          const version = await this.#installedVersion(client);
          // Checked again under the lock: another worker may have set up or migrated meanwhile.
          // The workers table is not versioned: an installation set up before it existed gets it here.
          const ddl =
            version === null
              ? schemaStatements(this.#settings.names)
              : version < SCHEMA_VERSION
                ? [
                    workersTableStatement(this.#settings.names),
                    ...migrationStatements(this.#settings.names, version),
                  ]
                : [workersTableStatement(this.#settings.names)];
          for (const statement of ddl) await client.query(statement);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch((rollbackError: Error) => {
            broken = rollbackError;
          });
          throw error;
        }
      } finally {
        client.off("error", onError);
        client.release(broken);
      }
    });
    this.#setupDone = Promise.resolve();
  }

  async insert(
    encoded: EncodedEnvelope,
    queue: string,
    delayMs: number,
    priority: number,
    client?: pg.ClientBase,
  ): Promise<string> {
    return this.#wrap("send a message", async () => {
      const values = [encoded.body, JSON.stringify(encoded.headers), queue, delayMs];
      // Symfony's table has no priority column: the stamp is not stored there (see the README).
      if (!this.#settings.symfony) values.push(priority);
      const result = await this.#query<{ id: string }>(this.#sql.insert, values, client);
      return result.rows[0]!.id;
    });
  }

  /** The send of a message with a deduplication key (see the send function in schema.ts). */
  async insertDeduplicated(
    encoded: EncodedEnvelope,
    queue: string,
    delayMs: number,
    priority: number,
    deduplication: DeduplicateStamp,
    client?: pg.ClientBase,
  ): Promise<{ id: string; outcome: "stored" | "replaced" | "dropped" }> {
    if (this.#settings.symfony) {
      // Refused before anything is stored: dropping the stamp would store duplicates silently.
      throw new InvalidArgumentError(
        `PostgreSQL transport: DeduplicateStamp (key "${deduplication.key}") cannot be honoured with the symfony option; Symfony's messenger_messages table has no deduplication key. Send without the stamp, or use a transport without the symfony option.`,
      );
    }
    return this.#wrap("send a message", async () => {
      const { mode } = deduplication;
      const values = [
        encoded.body,
        JSON.stringify(encoded.headers),
        queue,
        delayMs,
        priority,
        deduplication.key,
        deduplication.ttl,
        deduplication.releasedOnClaim,
        mode === "replace" || mode === "debounce",
        mode === "debounce",
      ];
      const result = await this.#query<{ id: string; outcome: "stored" | "replaced" | "dropped" }>(
        this.#sql.sendDeduplicated,
        values,
        client,
      );
      return result.rows[0]!;
    });
  }

  /** Ack and reject of messages whose key outlives them (throttle): see `deleteKeepingKeys`. */
  async deleteKeepingKeys(ids: readonly string[], queue: string): Promise<void> {
    await this.#wrap("acknowledge messages", () => this.#query(this.#sql.deleteKeepingKeys, [ids, queue]));
  }

  /** One statement for all rows, all or none; returns the ids in the order given. */
  async insertMany(
    encoded: readonly EncodedEnvelope[],
    queue: string,
    delaysMs: readonly number[],
    priorities: readonly number[],
    client?: pg.ClientBase,
  ): Promise<string[]> {
    return this.#wrap(`send ${encoded.length} messages`, async () => {
      // Bodies (and Symfony's text headers) as binary text[]: no array literal to escape.
      const bodies = binaryTextArray(encoded.map((e) => e.body));
      const result = await this.#query<{ id: string }>(
        this.#sql.insertMany,
        this.#settings.symfony
          ? [bodies, binaryTextArray(encoded.map((e) => JSON.stringify(e.headers))), queue, delaysMs]
          : // One JSON array of the headers objects (see the statement).
            [bodies, JSON.stringify(encoded.map((e) => e.headers)), queue, delaysMs, priorities],
        client,
      );
      // Ids come from the sequence in the SELECT's order; RETURNING's own order is not promised.
      return result.rows
        .map((row) => BigInt(row.id))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map(String);
    });
  }

  /**
   * Claims up to `limit` due rows of the queues in one statement, oldest first. When it takes none
   * (the worker is about to wait), the same statement tells what `msUntilDue` would right after it:
   * `waitMs`, undefined on Symfony's table (its claim is plain SQL, and tells nothing).
   * `acks`: rows to delete first, in the same statement (only where `claimCarriesAcks`).
   */
  async claim(queues: readonly string[], limit: number, acks?: readonly string[]): Promise<ClaimResult> {
    return this.#wrap("receive messages", async () => {
      const timeout = this.#settings.redeliveryTimeoutMs / 1000;
      if (this.#settings.symfony) {
        const rows = (await this.#query<ClaimedRow>(this.#sql.claim, [queues, timeout, limit])).rows;
        return { rows: rows.map(parseSymfonyHeaders), waitMs: undefined, waitMsAt: 0 };
      }
      const result = await this.#query<ClaimedRow & { wait_ms: number | null }>(this.#sql.claim, [
        queues,
        timeout,
        limit,
        acks ?? null,
      ]);
      const waitMsAt = performance.now();
      const rows = result.rows;
      const last = rows[rows.length - 1];
      // The report row has no id, and comes last.
      if (last === undefined || last.id !== null) return { rows, waitMs: undefined, waitMsAt };
      rows.pop();
      return { rows, waitMs: last.wait_ms, waitMsAt };
    });
  }

  /** Whether `claim()` can delete acknowledged rows in its statement: not on Symfony's table. */
  get claimCarriesAcks(): boolean {
    return !this.#settings.symfony;
  }

  /** Ack and reject alike: the row is gone for good. */
  async delete(ids: readonly string[]): Promise<void> {
    await this.#wrap("acknowledge messages", () => this.#query(this.#sql.delete, [ids]));
  }

  /** Makes claimed rows claimable again at once (a prefetched batch the worker never took). */
  async release(ids: readonly string[]): Promise<void> {
    await this.#wrap("release claimed messages", () => this.#query(this.#sql.release, [ids]));
  }

  /** Moves each claim's deadline to now + redeliver_timeout + its extra milliseconds. */
  async keepalive(ids: readonly string[], extraMs: readonly number[]): Promise<void> {
    await this.#wrap("keep messages alive", () => this.#query(this.#sql.keepalive, [ids, extraMs]));
  }

  async count(queue: string): Promise<number> {
    return this.#wrap("count messages", async () => {
      const result = await this.#query<{ count: string }>(this.#sql.count, [
        queue,
        this.#settings.redeliveryTimeoutMs / 1000,
      ]);
      return Number(result.rows[0]!.count);
    });
  }

  /** Every row of the queue, whatever its state. */
  async countStored(queue: string): Promise<number> {
    return this.#wrap("count messages", async () => {
      const result = await this.#query<{ count: string }>(this.#sql.countStored, [queue]);
      return Number(result.rows[0]!.count);
    });
  }

  async list(queue: string, limit: number | null, after: string): Promise<MessageRow[]> {
    return this.#wrap("list messages", async () => {
      const rows = (await this.#query<MessageRow>(this.#sql.list, [queue, limit, after])).rows;
      return this.#settings.symfony ? rows.map(parseSymfonyHeaders) : rows;
    });
  }

  async find(queue: string, id: string): Promise<MessageRow | undefined> {
    return this.#wrap("find a message", async () => {
      const row = (await this.#query<MessageRow>(this.#sql.find, [queue, id])).rows[0];
      return row && this.#settings.symfony ? parseSymfonyHeaders(row) : row;
    });
  }

  /**
   * Milliseconds (database clock) until a row of the queues becomes claimable: the earliest
   * unclaimed row's `available_at` (past or future) or the earliest claim's expiry; null when the
   * queues hold no rows at all.
   */
  async msUntilDue(queues: readonly string[]): Promise<number | null> {
    return this.#wrap("look for due messages", async () => {
      const values = [queues, this.#settings.redeliveryTimeoutMs / 1000];
      const result = await this.#query<{ wait_ms: number | null }>(this.#sql.due, values);
      return result.rows[0]?.wait_ms ?? null;
    });
  }

  async requestRestart(at: number): Promise<void> {
    await this.#wrap("record the restart signal", () =>
      this.#query(this.#sql.requestRestart, [Math.trunc(at)]),
    );
  }

  async restartRequestedAt(): Promise<number | null> {
    return this.#wrap("read the restart signal", async () => {
      const rows = (await this.#query<{ requested_at: string }>(this.#sql.restartRequestedAt, [])).rows;
      return rows.length === 0 ? null : Number(rows[0]!.requested_at);
    });
  }

  async beatWorker(heartbeat: WorkerHeartbeat, ttlMs: number): Promise<void> {
    await this.#wrap("publish the worker heartbeat", () =>
      this.#query(this.#sql.beatWorker, [heartbeat.id, JSON.stringify(heartbeat), ttlMs]),
    );
  }

  /**
   * The live workers, without setting anything up (a status command creates nothing): a missing
   * table lists none, since no worker beat into it.
   */
  async listWorkers(): Promise<WorkerHeartbeat[]> {
    return this.#wrap("list the workers", async () => {
      const { name, text } = this.#sql.listWorkers;
      try {
        const result = await this.#db().pool.query<{ heartbeat: WorkerHeartbeat }>({
          name,
          text,
          values: [],
        });
        return result.rows.map((row) => row.heartbeat).sort(compareWorkerHeartbeats);
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === UNDEFINED_TABLE) return [];
        throw error;
      }
    });
  }

  async removeWorker(id: string): Promise<void> {
    await this.#wrap("remove the worker heartbeat", async () => {
      const { name, text } = this.#sql.removeWorker;
      try {
        await this.#db().pool.query({ name, text, values: [id] });
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== UNDEFINED_TABLE) throw error;
      }
    });
  }

  /**
   * Runs statements of the table's companions (pause state, shared limits) on the shared pool,
   * with this connection's errors: a TransportError naming the operation, never a password.
   */
  withPool<T>(operation: string, run: (pool: pg.Pool) => Promise<T>): Promise<T> {
    return this.#wrap(operation, () => run(this.#db().pool));
  }

  /** Adds worker throughput to `<table>_throughput` (created when missing), dropping rows before `before`. */
  async recordThroughput(buckets: readonly ThroughputBucket[], before: number): Promise<void> {
    await this.#wrap("record the worker throughput", async () => {
      await this.#autoSetup();
      await recordThroughput(this.#db().pool, this.#settings.names, buckets, before);
    });
  }

  /** The throughput rows of these transports from `since` on; sets nothing up. */
  readThroughput(transports: readonly string[], since: number): Promise<ThroughputBucket[]> {
    return this.#wrap("read the worker throughput", () =>
      readThroughput(this.#db().pool, this.#settings.names, transports, since),
    );
  }

  /** Subscribes to this table's notifications, and waits until the LISTEN is in place. */
  get listener(): SharedDatabase["listener"] {
    return this.#db().listener;
  }

  /** Gives the shared pool back (the last transport closes it). Used again, it reconnects. */
  async close(): Promise<void> {
    const database = this.#database;
    this.#database = undefined;
    this.#setupDone = undefined;
    if (database) await releaseDatabase(database);
  }

  /**
   * Wraps a driver failure; errors of this library (setup's checks) pass through as they are. A
   * refused login is a TransportAuthenticationError: a configuration error, which stops a worker
   * at once instead of being retried like an outage.
   */
  async #wrap<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof MessengerError) throw error;
      const { label, target, names } = this.#settings;
      const reason = error instanceof Error ? error.message : String(error);
      if (isLoginRefused(error)) {
        // The server's reason names the user or database, never the password it was sent.
        throw new TransportAuthenticationError(
          `PostgreSQL ${label} could not ${operation}: ${target} refused the login of user "${this.#database?.identity.user ?? this.#settings.config.user}" (${reason}); check the user and password of its DSN.`,
          { cause: error },
        );
      }
      throw new TransportError(
        `PostgreSQL ${label} could not ${operation} (table ${names.schema}.${names.table} on ${target}): ${reason}`,
        { cause: error },
      );
    }
  }

  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    statement: Statement,
    values: unknown[],
    client?: pg.ClientBase,
  ): Promise<pg.QueryResult<R>> {
    await this.#autoSetup();
    const config = { name: statement.name, text: statement.text, values };
    return client ? client.query<R>(config) : this.#db().pool.query<R>(config);
  }

  /** With auto_setup, sets the tables up once before the first statement that needs them. */
  async #autoSetup(): Promise<void> {
    if (this.#settings.autoSetup && !this.#setupDone) {
      this.#setupDone = this.setup().catch((error) => {
        this.#setupDone = undefined;
        throw error;
      });
    }
    await this.#setupDone;
  }

  /**
   * Symfony mode: creates Symfony's table as its setup would (or accepts the one it created) and our
   * restart and workers tables beside it, in one transaction under the setup lock. Refuses a table
   * of our own layout, which Symfony cannot use.
   */
  async #setupSymfony(client: pg.ClientBase): Promise<void> {
    const names = this.#settings.names;
    const inspect = async () => {
      const { rows } = await client.query<{ headers: string | null; comment: string | null; own: boolean }>(
        `SELECT (SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute AS a
                 WHERE a.attrelid = to_regclass($1) AND a.attname = 'headers' AND NOT a.attisdropped) AS headers,
                obj_description(to_regclass($1), 'pg_class') AS comment,
                to_regclass($2) IS NOT NULL AND to_regclass($3) IS NOT NULL AS own`,
        [names.qualifiedTable, names.qualifiedRestartTable, names.qualifiedWorkersTable],
      );
      const found = rows[0]!;
      if (
        found.headers !== null &&
        (parseSchemaVersion(found.comment) !== null || found.headers !== "text")
      ) {
        throw new TransportError(
          `Table ${names.schema}.${names.table} is not Symfony's Doctrine table (its headers column is ${found.headers}${parseSchemaVersion(found.comment) === null ? "" : ", and it is messenger-ts's own layout"}), but the transport's symfony option needs Symfony's: choose another table_name, or drop the table and let either side create it.`,
          { code: "FOREIGN_TABLE" },
        );
      }
      return found.headers !== null && found.own;
    };
    if (await inspect()) return;
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1)", [SETUP_LOCK_KEY]);
      await inspect();
      for (const statement of symfonySchemaStatements(names, [workersTableStatement(names)])) {
        await client.query(statement);
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  async #installedVersion(client: pg.ClientBase): Promise<number | null> {
    const { rows } = await client.query<{ present: boolean; comment: string | null }>(
      "SELECT to_regclass($1) IS NOT NULL AS present, obj_description(to_regclass($1), 'pg_class') AS comment",
      [this.#settings.names.qualifiedTable],
    );
    const { present, comment } = rows[0]!;
    if (!present) return null;
    const version = parseSchemaVersion(comment);
    const table = `${this.#settings.names.schema}.${this.#settings.names.table}`;
    if (version === null) {
      throw new TransportError(
        `Table ${table} exists but was not created by messenger-ts (its comment holds no schema version); choose another table_name or schema, or drop it. A table Symfony's Doctrine transport created needs the symfony option (symfony=true).`,
        { code: "FOREIGN_TABLE" },
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new TransportError(
        `Table ${table} has schema version ${version}, newer than the ${SCHEMA_VERSION} this release knows: upgrade @messenger-ts/transport-postgres.`,
        { code: "SCHEMA_TOO_NEW" },
      );
    }
    return version;
  }

  async #hasWorkersTable(client: pg.ClientBase): Promise<boolean> {
    const { rows } = await client.query<{ present: boolean }>(
      "SELECT to_regclass($1) IS NOT NULL AS present",
      [this.#settings.names.qualifiedWorkersTable],
    );
    return rows[0]!.present;
  }

  #db(): SharedDatabase {
    this.#database ??= acquireDatabase(this.#settings.config, this.#settings.logger);
    return this.#database;
  }
}

/** SQLSTATE `42P01`: the relation does not exist. */
const UNDEFINED_TABLE = "42P01";

/**
 * SQLSTATE class 28, invalid authorization: `28P01` a wrong password, `28000` a role that does not
 * exist or that pg_hba.conf rejects.
 */
function isLoginRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "28P01" || code === "28000";
}
