import { createHash } from "node:crypto";
import type pg from "pg";
import type { PostgresConnection } from "./postgres-connection.js";
import { type SchemaNames, SETUP_LOCK_KEY } from "./schema.js";

const quote = (identifier: string) => `"${identifier}"`;

/** SQLSTATE `42P01`: the relation does not exist. */
const UNDEFINED_TABLE = "42P01";

/** The names of the three control tables next to a messages table. */
function controlTables(names: SchemaNames) {
  const qualified = (suffix: string) => `${quote(names.schema)}.${quote(`${names.table}_${suffix}`)}`;
  return { paused: qualified("paused"), rates: qualified("rates"), leases: qualified("leases") };
}

/**
 * The tables that coordinate workers without holding messages: the paused transports
 * (`messenger:pause`), the shared rate limiters' token buckets and the shared concurrency limits'
 * leases. Outside the messages table's schema version: created on first use (and by setup()),
 * each `CREATE TABLE IF NOT EXISTS`, so any release can add them to an existing installation.
 */
export function controlTableStatements(names: SchemaNames): string[] {
  const t = controlTables(names);
  return [
    `CREATE TABLE IF NOT EXISTS ${t.paused} (
      transport text PRIMARY KEY,
      paused_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.rates} (
      key text PRIMARY KEY,
      tokens float8 NOT NULL,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS ${t.leases} (
      key text NOT NULL,
      slot integer NOT NULL,
      lease_id text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (key, slot)
    )`,
  ];
}

function controlStatements(names: SchemaNames) {
  const t = controlTables(names);
  const named = (text: string) => ({
    name: `mt_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`,
    text,
  });
  return {
    pause: named(`INSERT INTO ${t.paused} (transport) VALUES ($1) ON CONFLICT (transport) DO NOTHING`),
    resume: named(`DELETE FROM ${t.paused} WHERE transport = $1`),
    paused: named(`SELECT transport FROM ${t.paused}`),
    // One statement: the row lock of the upsert orders concurrent reservations, and each sees the
    // tokens the one before left. The same bucket as core's TokenBucketRateLimiter and the Redis
    // script, on the database clock (clock_timestamp(): the time of the update, not of the
    // transaction's start, which may be earlier than the last update it waited for).
    reserve: named(
      `INSERT INTO ${t.rates} AS b (key, tokens, updated_at) VALUES ($1, $2::float8 - 1, clock_timestamp())
       ON CONFLICT (key) DO UPDATE SET
         tokens = LEAST($2::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM (clock_timestamp() - b.updated_at)) * 1000)
                  * $2::float8 / $3::float8) - 1,
         updated_at = GREATEST(clock_timestamp(), b.updated_at)
       RETURNING tokens`,
    ),
    // A free slot below the limit, in one statement: the primary key (key, slot) lets one live
    // lease hold a slot, and a conflict takes the slot over only when its lease expired. Two
    // workers that pick the same free slot at once: one gets it, the other gets no row and asks
    // again later (a random pick makes that rare), so the limit is never exceeded.
    acquire: named(
      `INSERT INTO ${t.leases} AS held (key, slot, lease_id, expires_at)
       SELECT $1, s.slot, $3, clock_timestamp() + make_interval(secs => $4::float8 / 1000)
       FROM generate_series(0, $2::int - 1) AS s(slot)
       WHERE NOT EXISTS (SELECT 1 FROM ${t.leases} AS h
                         WHERE h.key = $1 AND h.slot = s.slot AND h.expires_at > clock_timestamp())
       ORDER BY random() LIMIT 1
       ON CONFLICT (key, slot) DO UPDATE SET lease_id = EXCLUDED.lease_id, expires_at = EXCLUDED.expires_at
         WHERE held.expires_at <= clock_timestamp()
       RETURNING slot`,
    ),
    renew: named(
      `UPDATE ${t.leases} SET expires_at = clock_timestamp() + make_interval(secs => $3::float8 / 1000)
       WHERE key = $1 AND lease_id = ANY($2::text[])`,
    ),
    release: named(`DELETE FROM ${t.leases} WHERE key = $1 AND lease_id = $2`),
  };
}

/**
 * The statements of the control tables (see {@link controlTableStatements}), through the
 * transport's connection: its pool, and its errors (a TransportError naming the operation).
 */
export class PostgresWorkerControls {
  readonly #connection: PostgresConnection;
  readonly #names: SchemaNames;
  readonly #sql: ReturnType<typeof controlStatements>;
  #ready: Promise<void> | undefined;
  #pausedTableSeen = false;

  constructor(connection: PostgresConnection, names: SchemaNames) {
    this.#connection = connection;
    this.#names = names;
    this.#sql = controlStatements(names);
  }

  /** Creates the control tables when one is missing; concurrent callers queue on the setup lock. */
  setup(): Promise<void> {
    return this.#connection.withPool("set up its control tables", async (pool) => {
      const tables = Object.values(controlTables(this.#names));
      const present = await pool.query<{ missing: number }>(
        "SELECT count(*) FILTER (WHERE to_regclass(t) IS NULL)::int AS missing FROM unnest($1::text[]) AS t",
        [tables],
      );
      if (present.rows[0]!.missing === 0) return;
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on("error", onError);
      try {
        await client.query("BEGIN");
        try {
          await client.query("SELECT pg_advisory_xact_lock($1)", [SETUP_LOCK_KEY]);
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(this.#names.schema)}`);
          for (const statement of controlTableStatements(this.#names)) await client.query(statement);
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
  }

  async pause(transportName: string): Promise<void> {
    await this.#run("pause the transport", (pool) =>
      pool.query({ ...this.#sql.pause, values: [transportName] }),
    );
  }

  async resume(transportName: string): Promise<void> {
    await this.#run("resume the transport", (pool) =>
      pool.query({ ...this.#sql.resume, values: [transportName] }),
    );
  }

  /**
   * Creates nothing (a status command reads it): without the table, nothing is paused. Every
   * worker reads it once per poll, so a missing table is looked up in the catalogue rather than
   * queried, which would put an error in the server's log each time.
   */
  async pausedTransports(): Promise<string[]> {
    return this.#connection.withPool("read the paused transports", async (pool) => {
      if (!this.#pausedTableSeen) {
        const { rows } = await pool.query<{ present: boolean }>(
          "SELECT to_regclass($1) IS NOT NULL AS present",
          [controlTables(this.#names).paused],
        );
        if (!rows[0]!.present) return [];
        this.#pausedTableSeen = true;
      }
      try {
        const result = await pool.query<{ transport: string }>({ ...this.#sql.paused, values: [] });
        return result.rows.map((row) => row.transport);
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== UNDEFINED_TABLE) throw error;
        this.#pausedTableSeen = false;
        return [];
      }
    });
  }

  /** Takes a permit of the token bucket `key`; the wait in ms before it may be used. */
  async reserveToken(key: string, limit: number, intervalMs: number): Promise<number> {
    const result = await this.#run("take a rate-limit permit", (pool) =>
      pool.query<{ tokens: number }>({ ...this.#sql.reserve, values: [key, limit, intervalMs] }),
    );
    const tokens = Number(result.rows[0]!.tokens);
    return tokens >= 0 ? 0 : Math.ceil((-tokens * intervalMs) / limit);
  }

  async acquireLease(key: string, limit: number, leaseId: string, ttlMs: number): Promise<boolean> {
    const result = await this.#run("take a concurrency lease", (pool) =>
      pool.query({ ...this.#sql.acquire, values: [key, limit, leaseId, ttlMs] }),
    );
    return result.rows.length === 1;
  }

  async renewLeases(key: string, leaseIds: readonly string[], ttlMs: number): Promise<void> {
    await this.#run("renew concurrency leases", (pool) =>
      pool.query({ ...this.#sql.renew, values: [key, leaseIds, ttlMs] }),
    );
  }

  async releaseLease(key: string, leaseId: string): Promise<void> {
    await this.#run("release a concurrency lease", (pool) =>
      pool.query({ ...this.#sql.release, values: [key, leaseId] }),
    );
  }

  async #run<T>(operation: string, run: (pool: pg.Pool) => Promise<T>): Promise<T> {
    this.#ready ??= this.setup().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
    return this.#connection.withPool(operation, run);
  }
}
