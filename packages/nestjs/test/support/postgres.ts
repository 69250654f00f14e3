import { randomBytes } from "node:crypto";
import { requireService } from "@messenger-ts/core/testing";
import pg from "pg";

/** The test database, from the usual libpq variables (trust auth, as CI and the dev box run it). */
export const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

/** Skips loudly locally, fails under CI=true, when PostgreSQL is down. */
export const pgUp = await requireService("PostgreSQL", { host: PG.host, port: PG.port });

/** A schema of the test's own: parallel files and runs never meet. */
export function newSchema(label: string): string {
  return `nest_${label}_${randomBytes(4).toString("hex")}`;
}

/** The transport DSN of a queue table in `schema`. */
export function queueDsn(schema: string, table = "messages"): string {
  return `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}?schema=${schema}&table_name=${table}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client(PG);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Counts the rows of the queue table (what is still waiting). */
export async function countRows(schema: string, table = "messages"): Promise<number> {
  const client = new pg.Client(PG);
  await client.connect();
  try {
    const result = await client.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`);
    return result.rows[0].n as number;
  } finally {
    await client.end();
  }
}
