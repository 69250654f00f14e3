import {
  InvalidArgumentError,
  redactDsn,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
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

/** What a `doctrine://` DSN names: the connection and the options after `?`. */
function parseDoctrineDsn(dsn: string): { connection: string; query: Record<string, string> } {
  const match = /^doctrine:\/\/([^/?#]+)\/?(?:\?([^#]*))?(?:#.*)?$/i.exec(dsn);
  if (!match) {
    throw new InvalidArgumentError(
      `Invalid DSN "${redactDsn(dsn)}": expected doctrine://<connection>[?queue_name=...], e.g. doctrine://default.`,
      { code: "INVALID_DSN" },
    );
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(match[2] ?? "")) query[key] = value;
  return { connection: decodeURIComponent(match[1]!), query };
}

function schemeOf(dsn: unknown): string | undefined {
  return typeof dsn === "string" ? /^([a-z][a-z0-9+.-]*):\/\//i.exec(dsn)?.[1]?.toLowerCase() : undefined;
}

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
    const scheme = schemeOf(dsn);
    if (scheme === "sqlite") return true;
    if (scheme !== "doctrine") return false;
    const connections = context?.connections ?? this.#connections ?? defaultConnections();
    const name = /^doctrine:\/\/([^/?#]*)/i.exec(dsn)?.[1];
    const target = name === undefined ? undefined : connections[safeDecode(name)];
    return target === undefined || schemeOf(target) === "sqlite";
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): SqliteTransport {
    const scheme = schemeOf(dsn);
    let file: SqliteDsn;
    let query: Record<string, string>;
    if (scheme === "doctrine") {
      const doctrine = parseDoctrineDsn(dsn);
      const target = this.#connection(doctrine.connection, dsn, context);
      file = parseSqliteDsn(target);
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

  #connection(name: string, dsn: string, context: TransportFactoryContext): string {
    const connections = context.connections ?? {};
    const target = Object.hasOwn(connections, name) ? connections[name] : undefined;
    if (target === undefined) {
      const known = Object.keys(connections);
      throw new InvalidArgumentError(
        `Unknown connection "${name}" in "${redactDsn(dsn)}" of transport "${context.name}"; known connections: ${known.join(", ") || 'none (set DATABASE_URL for "default", or give connections)'}.`,
        { code: "UNKNOWN_CONNECTION" },
      );
    }
    if (schemeOf(target) !== "sqlite") {
      throw new InvalidArgumentError(
        `Connection "${name}" of transport "${context.name}" is "${redactDsn(target)}", not an sqlite:// DSN: SqliteTransportFactory handles only SQLite connections (PostgreSQL ones are @messenger-ts/transport-postgres's).`,
        { code: "UNSUPPORTED_DSN" },
      );
    }
    return target;
  }
}

function defaultConnections(): Record<string, string> {
  const url = process.env.DATABASE_URL;
  return url ? { default: url } : {};
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
