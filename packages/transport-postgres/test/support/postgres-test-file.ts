import type pg from "pg";
import { afterAll, afterEach } from "vitest";
import type { PostgresTransport } from "../../src/index.js";
import { adminPool, createTransport, dropSchema, pgUp, schemaFor } from "./postgres.js";

type Options = Record<string, string | number | boolean>;

/** What a test file on the shared PostgreSQL server works with: see {@link postgresTestFile}. */
export interface PostgresTestFile {
  /** The file's own schema (one per file and process), dropped after the file. */
  readonly schema: string;
  /** A pool for the test's own looks and manipulations. */
  readonly admin: pg.Pool;
  /** A table name no other test of the file used. */
  tableName(): string;
  /** A transport (DSN options) on a fresh table of the file's schema; closed after the test. */
  transport(options?: Options): PostgresTransport;
  /** Another transport object on `t`'s table: a worker restarted, or another one; closed after the test. */
  sameTable(t: PostgresTransport, options?: Options): PostgresTransport;
  /** Closes a transport the test built itself after the test; returns it. */
  track<T extends PostgresTransport>(transport: T): T;
  /** `"schema"."table"` of `t`, for SQL. */
  table(t: PostgresTransport): string;
}

/**
 * Registers the file's cleanup (the transports of a test closed after it, the file's schema
 * dropped after the file) and returns what its tests build transports with. Call it once, at the
 * top of the test file.
 */
export function postgresTestFile(file: string): PostgresTestFile {
  const schema = schemaFor(file);
  const admin = adminPool();
  const open: PostgresTransport[] = [];
  let tables = 0;

  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  afterAll(async () => {
    if (pgUp) await dropSchema(admin, schema);
    await admin.end();
  });

  const track = <T extends PostgresTransport>(transport: T): T => {
    open.push(transport);
    return transport;
  };
  const tableName = () => `t${++tables}`;

  return {
    schema,
    admin,
    tableName,
    track,
    transport: (options = {}) => track(createTransport({ schema, table_name: tableName(), ...options })),
    sameTable: (t, options = {}) => track(createTransport({ schema, table_name: t.tableName, ...options })),
    table: (t) => `"${t.schema}"."${t.tableName}"`,
  };
}
