import {
  InvalidArgumentError,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { claimsDoctrineDsn, dsnScheme, redactDsn, resolveDoctrineDsn } from "@messenger-ts/core/transport";
import { resolveSqliteOptions } from "./sqlite-options.js";
import { SqliteTransport } from "./sqlite-transport.js";

/** An `sqlite://` DSN taken apart: the file and the options after `?`. */
export interface SqliteDsn {
  /** As written, percent-escapes decoded: relative, absolute, or ":memory:". */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

const FORMS =
  "sqlite://var/app.sqlite (relative), sqlite:///var/data/app.sqlite (absolute) or sqlite://:memory:";

/**
 * Parses `sqlite://<path>[?options]` by hand: core's parseDsn reads the first path segment as a
 * lower-cased host (`sqlite://Var/app.sqlite`) and cannot read `sqlite://:memory:` at all.
 * `sqlite://` + `var/app.sqlite` is relative, `sqlite://` + `/var/...` absolute. Doctrine spells
 * absolute paths with four slashes; a doubled slash is harmless here, so both forms work.
 */
export function parseSqliteDsn(dsn: string): SqliteDsn {
  const match = /^sqlite:\/\/([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i.exec(dsn);
  let path: string | undefined;
  try {
    path = match ? decodeURIComponent(match[1]!) : undefined;
  } catch {
    path = undefined;
  }
  if (path === "/:memory:") path = ":memory:";
  // `sqlite:///C:/data/app.sqlite` on Windows.
  if (path && /^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
  if (!path || path === "/") {
    throw new InvalidArgumentError(`Invalid SQLite DSN "${redactDsn(dsn)}": expected ${FORMS}.`, {
      code: "INVALID_DSN",
    });
  }
  // `sqlite://user:pass@/x` would otherwise become a directory named after the credentials.
  if (/^[^/]*@/.test(match![1]!)) {
    throw new InvalidArgumentError(
      `Invalid SQLite DSN "${redactDsn(dsn)}": SQLite takes no user or password; expected ${FORMS}.`,
      { code: "INVALID_DSN" },
    );
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(match![2] ?? "")) query[key] = value;
  return { path, query };
}

/** The connections `doctrine://` may name for this factory. */
const SQLITE_CONNECTIONS = { schemes: ["sqlite"], factory: "SqliteTransportFactory" } as const;

export interface SqliteTransportFactoryOptions {
  /**
   * Named connections for `supports()` when it is called without a factory context (core's
   * registry passes one, whose connections win). createTransport() reads them from the context.
   * @defaultValue `{ default: process.env.DATABASE_URL }` when set
   */
  readonly connections?: Readonly<Record<string, string>>;
}

/**
 * Builds {@link SqliteTransport}s for `sqlite://<path>` DSNs, and for `doctrine://<connection>`
 * when the named connection (`default` is DATABASE_URL) is an `sqlite://` DSN. Options come from
 * the DSN query, then the options object, then the defaults; an unknown key is an error listing
 * the allowed ones. Nothing is opened here: the file is opened on first use.
 */
export class SqliteTransportFactory implements TransportFactory {
  readonly schemes = ["sqlite", "doctrine"] as const;
  readonly #connections: Readonly<Record<string, string>> | undefined;

  constructor(options: SqliteTransportFactoryOptions = {}) {
    this.#connections = options.connections;
  }

  /**
   * `doctrine://` is claimed when its connection is SQLite, or unknown (so that the error listing
   * the known ones comes from here). The connections come from the context core's registry
   * passes, else from the constructor or DATABASE_URL.
   */
  supports(
    dsn: string,
    _options?: Readonly<Record<string, unknown>>,
    context?: TransportFactoryContext,
  ): boolean {
    if (dsnScheme(dsn) === "sqlite") return true;
    const connections = context?.connections ?? this.#connections ?? defaultConnections();
    return claimsDoctrineDsn(dsn, connections, SQLITE_CONNECTIONS);
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): SqliteTransport {
    const scheme = dsnScheme(dsn);
    let file: SqliteDsn;
    let query: Record<string, string>;
    if (scheme === "doctrine") {
      const doctrine = resolveDoctrineDsn(dsn, context, SQLITE_CONNECTIONS);
      file = parseSqliteDsn(doctrine.connectionDsn);
      // The connection's own query applies to every transport on it; the transport's DSN wins.
      query = { ...file.query, ...doctrine.query };
    } else if (scheme === "sqlite") {
      file = parseSqliteDsn(dsn);
      query = { ...file.query };
    } else {
      throw new InvalidArgumentError(
        `SqliteTransportFactory cannot build transport "${context.name}" from "${redactDsn(String(dsn))}": expected ${FORMS}, or doctrine://<connection> naming an sqlite:// connection.`,
        { code: "UNSUPPORTED_DSN" },
      );
    }
    const label = `transport "${context.name}" (${redactDsn(dsn)})`;
    const resolved = resolveSqliteOptions(label, query, options);
    return new SqliteTransport({
      path: file.path,
      ...resolved,
      serializer: context.serializer,
      clock: context.clock,
      logger: context.logger,
      name: context.name,
    });
  }
}

function defaultConnections(): Record<string, string> {
  const url = process.env.DATABASE_URL;
  return url ? { default: url } : {};
}
