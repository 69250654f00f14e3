import { InvalidArgumentError } from "@messenger-ts/core";
import { dsnScheme } from "@messenger-ts/core/transport";
import { parseSqliteDsn } from "@messenger-ts/transport-sqlite";

/** Where the domain data and the queues live: `connections.default` of the messenger. */
export type DatabaseTarget =
  | {
      readonly kind: "sqlite";
      /** The file, as given (relative to the working directory), or ":memory:". */
      readonly path: string;
      /** The `sqlite://` DSN `doctrine://default` resolves to. */
      readonly connection: string;
    }
  | {
      readonly kind: "mysql";
      /** The `mysql://` (or `mariadb://`) DSN `doctrine://default` resolves to; it names the database. */
      readonly connection: string;
    }
  | {
      readonly kind: "postgres";
      /** The `postgres://` DSN `doctrine://default` resolves to. */
      readonly connection: string;
      /** The schema of the domain tables, the queue table and the schedule's tables. */
      readonly schema: string;
    };

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * DATABASE_URL decides: a postgres:// (or postgresql://) URL is PostgreSQL, a mysql:// (or
 * mariadb://) URL is MySQL or MariaDB, an sqlite:// DSN is that file; without one, the SQLite file
 * `sqlitePath`.
 */
export function resolveDatabaseTarget(
  databaseUrl: string | undefined,
  sqlitePath: string,
  schema: string,
): DatabaseTarget {
  if (databaseUrl === undefined || databaseUrl === "") {
    return { kind: "sqlite", path: sqlitePath, connection: `sqlite://${sqlitePath}` };
  }
  const scheme = dsnScheme(databaseUrl);
  if (scheme === "postgres" || scheme === "postgresql") {
    if (!SCHEMA_NAME.test(schema)) {
      throw new InvalidArgumentError(
        `Invalid database schema ${JSON.stringify(schema)}: use 1 to 63 letters, digits and _, not starting with a digit.`,
        { code: "INVALID_LEADGEN_OPTION" },
      );
    }
    return { kind: "postgres", connection: databaseUrl, schema };
  }
  if (scheme === "mysql" || scheme === "mariadb") {
    return { kind: "mysql", connection: databaseUrl };
  }
  if (scheme === "sqlite") {
    return { kind: "sqlite", path: parseSqliteDsn(databaseUrl).path, connection: databaseUrl };
  }
  throw new InvalidArgumentError(
    `Unsupported DATABASE_URL scheme "${scheme ?? "(none)"}": expected postgres://, postgresql://, mysql://, mariadb:// or sqlite://.`,
    { code: "INVALID_LEADGEN_OPTION" },
  );
}
