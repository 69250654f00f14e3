// The backends the side-by-side scenarios run against, and how each system's data is isolated and
// cleaned: every PostgreSQL and MySQL system gets a database of its own (`bench_<system>`), every Redis
// system a key prefix (`bench:<system>:`), every AMQP system exchanges and queues named
// `bench.<system>.…`, every SQLite system a file of its own.

import { mkdir, rm } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import type mysql from "mysql2/promise";
import pg from "pg";
import { pollUntil } from "./clock.js";

/** The PostgreSQL server (no database part); the bench creates its own databases on it. */
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://127.0.0.1:5432";
/** The MySQL or MariaDB server (no database part), root without a password by default. */
export const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
/** The RabbitMQ broker (no vhost part: the bench uses "/"), for the AMQP systems. */
export const AMQP_URL = process.env.BENCH_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
/**
 * `BENCH_NAMESPACE=<letters/digits>` suffixes every database, key prefix, AMQP name and the SQLite
 * directory with `_<namespace>`, so two runs on the same servers do not clean each other's data.
 */
const NAMESPACE = process.env.BENCH_NAMESPACE ?? "";
if (!/^[a-z0-9]{0,20}$/.test(NAMESPACE))
  throw new Error(`BENCH_NAMESPACE must be up to 20 lower-case letters or digits, got "${NAMESPACE}".`);

/** `name` in this run's namespace (unchanged without `BENCH_NAMESPACE`). */
export const isolated = (name: string): string => (NAMESPACE ? `${name}_${NAMESPACE}` : name);

export const SQLITE_DIR = join(os.tmpdir(), isolated("messenger-ts-bench"));

export function databaseUrl(database: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  // libpq's default; node-postgres only falls back to $USER, which a service or CI may not set.
  if (!url.username) url.username = process.env.PGUSER ?? os.userInfo().username;
  return url.toString();
}

async function withClient<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl(database), connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Why PostgreSQL cannot be used, or undefined when it answers. */
export async function probePostgres(): Promise<string | undefined> {
  try {
    await withClient("postgres", (client) => client.query("select 1"));
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${POSTGRES_URL} does not answer (${(error as Error).message}); run scripts/services.sh`;
  }
}

// ioredis and mysql2 are loaded when first needed: every worker process imports this module, and
// loading both costs a worker start-up about half a second on a busy 2-core machine.
const loadRedis = async () => (await import("ioredis")).Redis;

/** Why Redis cannot be used, or undefined when it answers. */
export async function probeRedis(): Promise<string | undefined> {
  const Redis = await loadRedis();
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${REDIS_URL} does not answer (${(error as Error).message}); run scripts/services.sh`;
  } finally {
    redis.disconnect();
  }
}

/**
 * Makes `database` exist and be empty: ends every other session on it (a worker that was killed
 * may have left one), then drops every schema in it and recreates an empty `public`.
 */
export async function resetDatabase(database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Unsafe database name: ${database}`);
  await withClient("postgres", async (client) => {
    const exists = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`create database ${database}`);
    // Pools closed a moment ago may still be hanging up; give them that moment, then end the rest.
    const others = async () =>
      (
        await client.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
          [database],
        )
      ).rows[0]!.n;
    await pollUntil(async () => (await others()) === 0, 5_000, 50);
    await client.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [database],
    );
  });
  await withClient(database, (client) =>
    client.query(`
      do $$
      declare s text;
      begin
        for s in select nspname from pg_namespace
                 where nspname not like 'pg\\_%' and nspname <> 'information_schema' loop
          execute format('drop schema %I cascade', s);
        end loop;
        create schema public;
      end $$`),
  );
}

/**
 * Writes out what was just stored in `database` and refreshes its statistics: a checkpoint, then
 * `VACUUM ANALYZE` of every table, the work PostgreSQL would otherwise do in the background (the
 * autovacuum a large insert triggers) while the next measurement runs.
 */
export async function settleDatabase(database: string): Promise<void> {
  await withClient(database, async (client) => {
    await client.query("CHECKPOINT");
    await client.query("VACUUM ANALYZE");
  });
}

/** Deletes every Redis key that starts with `prefix`. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const Redis = await loadRedis();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** The SQLite file of one system; `resetSqliteFile` removes it with its journal files. */
export function sqliteFile(system: string): string {
  return join(SQLITE_DIR, `${system}.sqlite`);
}

export async function resetSqliteFile(system: string): Promise<void> {
  await mkdir(SQLITE_DIR, { recursive: true });
  const file = sqliteFile(system);
  await Promise.all(
    ["", "-wal", "-shm", "-journal"].map((suffix) => rm(`${file}${suffix}`, { force: true })),
  );
}

export function mysqlDatabaseUrl(database: string): string {
  const url = new URL(MYSQL_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withMysql<T>(work: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const { default: mysql } = await import("mysql2/promise");
  const connection = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3_000 });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** Why MySQL cannot be used, or undefined when it answers. */
export async function probeMysql(): Promise<string | undefined> {
  try {
    await withMysql((connection) => connection.query("SELECT 1"));
    return undefined;
  } catch (error) {
    return `MySQL at ${MYSQL_URL} does not answer (${(error as Error).message}); run scripts/services.sh`;
  }
}

/** Makes the MySQL `database` exist and be empty (dropped and created again). */
export async function resetMysqlDatabase(database: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`Unsafe database name: ${database}`);
  await withMysql(async (connection) => {
    await connection.query(`DROP DATABASE IF EXISTS ${database}`);
    await connection.query(`CREATE DATABASE ${database}`);
  });
}

/** Why RabbitMQ cannot be used, or undefined when it answers. */
export async function probeAmqp(): Promise<string | undefined> {
  try {
    const { connect } = await import("amqplib");
    const model = await connect(AMQP_URL, { timeout: 3_000 });
    await model.close();
    return undefined;
  } catch (error) {
    return `RabbitMQ at ${AMQP_URL.replace(/:[^:@/]*@/, ":***@")} does not answer (${(error as Error).message}); run scripts/services.sh`;
  }
}

/** Deletes these queues and exchanges (missing ones are fine). */
export async function deleteAmqp(names: readonly string[]): Promise<void> {
  const { connect } = await import("amqplib");
  const model = await connect(AMQP_URL);
  try {
    for (const name of names) {
      for (const kind of ["queue", "exchange"] as const) {
        const channel = await model.createChannel();
        channel.on("error", () => undefined);
        await (kind === "queue" ? channel.deleteQueue(name) : channel.deleteExchange(name)).catch(
          () => undefined,
        );
        await channel.close().catch(() => undefined);
      }
    }
  } finally {
    await model.close();
  }
}
