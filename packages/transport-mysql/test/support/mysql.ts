import {
  AsMessage,
  JsonSerializer,
  type Logger,
  nullLogger,
  systemClock,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
import mysql, { type Pool } from "mysql2/promise";
import { type MysqlTransport, MysqlTransportFactory } from "../../src/index.js";

/** The test server: MariaDB (or MySQL) on the usual port, root without a password, as CI runs it. */
export const MY = {
  host: process.env.MYSQL_HOST ?? "127.0.0.1",
  port: Number(process.env.MYSQL_PORT ?? 3306),
  user: process.env.MYSQL_USER ?? "root",
};

/** Skips loudly locally, fails under CI=true, when the server is down. */
export const mysqlUp = await requireService("MySQL/MariaDB", { host: MY.host, port: MY.port });

/** One database per test file and process: parallel files and parallel runs never meet. */
export function databaseFor(file: string): string {
  return `mt_${file}_${process.pid}`;
}

/** `mysql://root@host:port/<database>` plus a query built from `options`. */
export function dsn(database: string, options: Record<string, string | number | boolean> = {}): string {
  const query = new URLSearchParams(
    Object.entries(options).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return `mysql://${MY.user}@${MY.host}:${MY.port}/${database}${query ? `?${query}` : ""}`;
}

/** A pool for a test's own looks and manipulations; `database` is its default database. */
export function adminPool(database?: string): Pool {
  return mysql.createPool({
    ...MY,
    database,
    connectionLimit: 3,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
  });
}

export async function createDatabase(pool: Pool, database: string): Promise<void> {
  await pool.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
}

export async function dropDatabase(pool: Pool, database: string): Promise<void> {
  await pool.query(`DROP DATABASE IF EXISTS \`${database}\``);
}

export function factoryContext(
  name = "async",
  connections: Record<string, string> = {},
  logger: Logger = nullLogger,
): TransportFactoryContext {
  return {
    name,
    serializer: new JsonSerializer(),
    clock: systemClock,
    logger,
    bus: () => {
      throw new Error("no bus in these tests");
    },
    connections,
  };
}

export function createTransport(
  database: string,
  options: Record<string, string | number | boolean>,
  context: TransportFactoryContext = factoryContext(),
): MysqlTransport {
  return new MysqlTransportFactory().createTransport(dsn(database, options), {}, context);
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

@AsMessage("mysql_test.job")
export class Job {
  constructor(readonly n: number) {}
}

@AsMessage("mysql_test.follow_up")
export class FollowUp {
  constructor(readonly n: number) {}
}
