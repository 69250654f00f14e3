import type { PoolConnection as CallbackConnection } from "mysql2";
import mysql, { type Pool, type PoolOptions } from "mysql2/promise";

/** Where a connection leads, without credentials: for errors and for the transaction middleware. */
export interface DatabaseIdentity {
  readonly host: string;
  readonly port: number;
  readonly database: string | undefined;
  readonly user: string | undefined;
}

/** One database's pool, shared by every transport of the process that uses it. */
export interface SharedDatabase {
  readonly pool: Pool;
  readonly identity: DatabaseIdentity;
  /**
   * The idle waits of this process's transports on this database, by table: a send wakes them at
   * once, since no server notification exists (other processes' sends are seen by polling).
   */
  readonly wakers: Map<string, Set<(queue: string) => void>>;
}

interface Entry extends SharedDatabase {
  readonly key: string;
  refs: number;
}

/**
 * Pools by connection settings. The seed's four transports (`doctrine://default?queue_name=…`)
 * use one database: they get one pool, not four. The key holds the password, but it never leaves
 * this map.
 */
const databases = new Map<string, Entry>();

/** The pool settings every transport pool gets, besides the connection itself. */
const POOL_DEFAULTS: PoolOptions = {
  connectionLimit: 10,
  // The driver would wait for a dead server's TCP handshake for its default 10 s; the same here,
  // named, so that a worker fails the round and tries again rather than hanging.
  connectTimeout: 10_000,
  enableKeepAlive: true,
  charset: "utf8mb4",
  // BIGINT ids as strings (exact beyond 2^53); DATETIME(6) as text, compared and never converted
  // through the process's time zone.
  supportBigNumbers: true,
  bigNumberStrings: true,
  dateStrings: true,
};

/**
 * Every session of the pool runs at READ COMMITTED: a claim's `FOR UPDATE SKIP LOCKED` then locks
 * only the rows it returns, no gaps, so inserts never wait for a claim (REPEATABLE READ's gap
 * locks make sends and claims wait for, and deadlock with, each other). See decision 0017.
 */
const SESSION_SETUP = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";

/** Takes a reference to the database's shared pool, creating it on first use. */
export function acquireDatabase(config: PoolOptions): SharedDatabase {
  const key = JSON.stringify(config);
  let entry = databases.get(key);
  if (!entry) {
    const pool = mysql.createPool({ ...POOL_DEFAULTS, ...config });
    // Emitted before the connection is handed out, so the SET is the first command it runs. The
    // event carries the driver's callback connection (mysql2's typings say the promise one).
    pool.on("connection", (connection) => {
      (connection as unknown as CallbackConnection).query(SESSION_SETUP, () => undefined);
    });
    entry = {
      key,
      pool,
      identity: {
        host: config.host ?? "localhost",
        port: config.port ?? 3306,
        database: config.database,
        user: config.user,
      },
      wakers: new Map(),
      refs: 0,
    };
    databases.set(key, entry);
  }
  entry.refs++;
  return entry;
}

/** Gives a reference back; the last one closes the pool. */
export async function releaseDatabase(database: SharedDatabase): Promise<void> {
  const entry = database as Entry;
  entry.refs--;
  if (entry.refs > 0) return;
  if (databases.get(entry.key) === entry) databases.delete(entry.key);
  await entry.pool.end().catch(() => undefined);
}

/** True when a connection of some other pool talks to the same database (the transaction middleware's). */
export function sameDatabase(identity: DatabaseIdentity, connection: { config?: PoolOptions }): boolean {
  const other = connection.config;
  return (
    other !== undefined &&
    (other.host ?? "localhost") === identity.host &&
    Number(other.port ?? 3306) === identity.port &&
    other.database === identity.database
  );
}
