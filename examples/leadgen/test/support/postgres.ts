import { requireService } from "@messenger-ts/core/testing";
import pg from "pg";

/** The test database, from the usual libpq variables (trust auth, as CI and the dev box run it). */
export const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

export const PG_URL = `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}`;

/** Skips loudly locally, fails under CI=true, when PostgreSQL is down. */
export const pgUp = await requireService("PostgreSQL", { host: PG.host, port: PG.port });

/** One schema per test file and process: parallel files and parallel runs never meet. */
export function schemaFor(file: string): string {
  return `leadgen_${file.replace(/[^a-z0-9]/gi, "_")}_${process.pid}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const pool = new pg.Pool({ ...PG, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}
