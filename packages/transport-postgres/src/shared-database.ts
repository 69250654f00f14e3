import type { Logger } from "@messenger-ts/core";
import pg from "pg";
import { PostgresListener } from "./postgres-listener.js";

/** Where a connection leads, as the driver resolved it (environment defaults applied). */
export interface DatabaseIdentity {
  readonly host: string;
  readonly port: number;
  readonly database: string | undefined;
  /** The login the driver uses (PGUSER or the OS user when the settings name none): for errors. */
  readonly user: string | undefined;
}

/** One database's pool and LISTEN connection, shared by every transport of the process that uses it. */
export interface SharedDatabase {
  readonly pool: pg.Pool;
  readonly listener: PostgresListener;
  readonly identity: DatabaseIdentity;
}

interface Entry extends SharedDatabase {
  readonly key: string;
  refs: number;
}

/**
 * Pools by connection settings. The seed's four transports (`doctrine://default?queue_name=…`)
 * use one database: they get one pool and one LISTEN connection, not four of each. The key holds
 * the password, but it never leaves this map.
 */
const databases = new Map<string, Entry>();

/** The pool settings every transport pool gets, besides the connection itself. */
const POOL_DEFAULTS: pg.PoolConfig = {
  application_name: "messenger-ts",
  // The driver waits forever by default; a worker must rather fail the round and try again.
  connectionTimeoutMillis: 10_000,
  keepAlive: true,
};

/** Takes a reference to the database's shared pool and listener, creating them on first use. */
export function acquireDatabase(config: pg.ClientConfig, logger: Logger): SharedDatabase {
  const key = JSON.stringify(config, (_k, v) => (typeof v === "function" ? String(v) : v));
  let entry = databases.get(key);
  if (!entry) {
    const pool = new pg.Pool({ ...POOL_DEFAULTS, ...config });
    // An idle pooled connection that breaks (database restart) is an 'error' event: unhandled,
    // it would crash the process. The pool drops that connection and opens a new one when asked.
    pool.on("error", (error) =>
      logger.warn({ error: error.message }, "Idle PostgreSQL connection lost; the pool will reconnect"),
    );
    // Not connected: the driver resolves host, port and database (PGHOST...) in the constructor.
    const probe = new pg.Client(config);
    entry = {
      key,
      pool,
      listener: new PostgresListener({ ...POOL_DEFAULTS, ...config }, logger),
      identity: { host: probe.host, port: probe.port, database: probe.database, user: probe.user },
      refs: 0,
    };
    databases.set(key, entry);
  }
  entry.refs++;
  return entry;
}

/** Gives a reference back; the last one closes the pool and the LISTEN connection. */
export async function releaseDatabase(database: SharedDatabase): Promise<void> {
  const entry = database as Entry;
  entry.refs--;
  if (entry.refs > 0) return;
  if (databases.get(entry.key) === entry) databases.delete(entry.key);
  await Promise.all([entry.listener.close(), entry.pool.end().catch(() => undefined)]);
}

/** True when a client of some other pool talks to the same database (the transaction middleware's). */
export function sameDatabase(identity: DatabaseIdentity, client: pg.ClientBase): boolean {
  const other = client as Partial<pg.Client>;
  return (
    other.host === identity.host &&
    Number(other.port) === identity.port &&
    other.database === identity.database
  );
}
