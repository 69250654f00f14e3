import {
  AsMessage,
  JsonSerializer,
  type Logger,
  nullLogger,
  systemClock,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
import pg from "pg";
import { type PostgresTransport, PostgresTransportFactory } from "../../src/index.js";

/** The test database, from the usual libpq variables (trust auth, as CI and the dev box run it). */
export const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

/** `postgres://user@host:port/db` plus a query built from `options`. */
export function dsn(options: Record<string, string | number | boolean> = {}): string {
  const query = new URLSearchParams(
    Object.entries(options).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}${query ? `?${query}` : ""}`;
}

/** Skips loudly locally, fails under CI=true, when PostgreSQL is down. */
export const pgUp = await requireService("PostgreSQL", { host: PG.host, port: PG.port });

/** One schema per test file and process: parallel files and parallel runs never meet. */
export function schemaFor(file: string): string {
  return `mt_${file}_${process.pid}`;
}

export function adminPool(): pg.Pool {
  return new pg.Pool({ ...PG, max: 3, application_name: "messenger-ts-tests" });
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
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
  options: Record<string, string | number | boolean>,
  context: TransportFactoryContext = factoryContext(),
): PostgresTransport {
  return new PostgresTransportFactory().createTransport(dsn(options), {}, context);
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

@AsMessage("pg_test.job")
export class Job {
  constructor(readonly n: number) {}
}

@AsMessage("pg_test.follow_up")
export class FollowUp {
  constructor(readonly n: number) {}
}
