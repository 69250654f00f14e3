import {
  type Dsn,
  InvalidArgumentError,
  parseDsn,
  resolveTransportOptions,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import type pg from "pg";
import {
  POSTGRES_OPTION_DEFAULTS,
  type SslMode,
  toBoolean,
  toIdentifier,
  toPositiveSeconds,
  toQueueName,
  toSslMode,
} from "./postgres-options.js";
import { PostgresTransport } from "./postgres-transport.js";

export interface PostgresTransportFactoryOptions {
  /**
   * Named connections for `doctrine://<name>`, used by `supports()` when it is called without
   * the factory context (`createTransport` always uses the context's). @defaultValue `{ default: DATABASE_URL }`
   */
  readonly connections?: Readonly<Record<string, string>>;
}

/** Query keys a named connection's DSN may carry: `sslmode`, and Doctrine's DATABASE_URL extras (ignored). */
const CONNECTION_QUERY_KEYS = ["sslmode", "serverVersion", "charset"];

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Builds {@link PostgresTransport}s from `postgres://user:password@host:5432/db?queue_name=…` and
 * `postgresql://…` DSNs, and from `doctrine://<connection>?queue_name=…` when that named connection
 * (`default` is DATABASE_URL) is a PostgreSQL DSN. Options come from the DSN query, then the
 * options object, then the defaults; unknown keys and bad values are errors that say what is allowed.
 * Nothing connects here: the pool opens on first use.
 */
export class PostgresTransportFactory implements TransportFactory {
  readonly schemes = ["postgres", "postgresql", "doctrine"] as const;
  readonly #connections: Readonly<Record<string, string>> | undefined;

  constructor(options: PostgresTransportFactoryOptions = {}) {
    this.#connections = options.connections;
  }

  /**
   * `doctrine://` is shared with the SQLite transport: it is ours unless the named connection is
   * known and is not PostgreSQL. An unknown name is ours, so that createTransport can say which
   * names exist. The context is optional because the core registry does not pass it (yet).
   */
  supports(
    dsn: string,
    _options?: Readonly<Record<string, unknown>>,
    context?: Pick<TransportFactoryContext, "connections">,
  ): boolean {
    const scheme = schemeOf(dsn);
    if (scheme === "postgres" || scheme === "postgresql") return true;
    if (scheme !== "doctrine") return false;
    const connection = this.#knownConnections(context)[connectionNameOf(dsn)];
    return connection === undefined || isPostgresDsn(connection);
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): PostgresTransport {
    const scheme = schemeOf(dsn);
    const label = `transport "${context.name}"`;
    let connectionDsn: string;
    let transportQuery: Readonly<Record<string, string>>;
    let connectionQuery: Readonly<Record<string, string>> = {};
    if (scheme === "postgres" || scheme === "postgresql") {
      connectionDsn = dsn;
      transportQuery = parse(dsn, label).query;
    } else if (scheme === "doctrine") {
      const name = connectionNameOf(dsn);
      const connections = context.connections ?? {};
      const known = Object.keys(connections);
      if (!Object.hasOwn(connections, name)) {
        throw new InvalidArgumentError(
          `Unknown connection "${name}" in the doctrine:// DSN of ${label}; known connections: ${known.join(", ") || "none"} ("default" comes from DATABASE_URL, others from the messenger's "connections").`,
          { code: "UNKNOWN_CONNECTION" },
        );
      }
      connectionDsn = connections[name]!;
      if (!isPostgresDsn(connectionDsn)) {
        throw new InvalidArgumentError(
          `Connection "${name}" of ${label} is a ${schemeOf(connectionDsn) ?? "non-URL"}:// DSN; PostgresTransportFactory handles postgres:// and postgresql:// connections only (register the factory for that database).`,
          { code: "UNSUPPORTED_DSN" },
        );
      }
      transportQuery = parse(dsn.replace(/^doctrine:\/\/[^/?#]*/i, "doctrine://connection"), label).query;
      connectionQuery = parse(connectionDsn, `connection "${name}" of ${label}`).query;
      for (const key of Object.keys(connectionQuery)) {
        if (!CONNECTION_QUERY_KEYS.includes(key)) {
          throw new InvalidArgumentError(
            `Unknown parameter "${key}" in connection "${name}" of ${label}; allowed: ${CONNECTION_QUERY_KEYS.join(", ")} (transport options go in the doctrine:// DSN).`,
            { code: "UNKNOWN_TRANSPORT_OPTION" },
          );
        }
      }
    } else {
      throw new InvalidArgumentError(
        `PostgresTransportFactory cannot build ${label} from "${safeDsn(dsn)}": expected a postgres://, postgresql:// or doctrine:// DSN.`,
        { code: "UNSUPPORTED_DSN" },
      );
    }

    const resolved = resolveTransportOptions(
      `${label} (${scheme}://)`,
      POSTGRES_OPTION_DEFAULTS,
      transportQuery,
      options,
    );
    const target = parse(connectionDsn, label);
    const sslmode = toSslMode(resolved.sslmode ?? connectionQuery.sslmode ?? "disable", label);
    return new PostgresTransport({
      connection: connectionConfig(target, sslmode),
      serializer: context.serializer,
      tableName: toIdentifier(resolved.table_name, "table_name", label),
      queueName: toQueueName(resolved.queue_name, label),
      schema: toIdentifier(resolved.schema, "schema", label),
      redeliveryTimeout: toPositiveSeconds(resolved.redeliver_timeout, "redeliver_timeout", label) * 1000,
      autoSetup: toBoolean(resolved.auto_setup, "auto_setup", label),
      useNotify: toBoolean(resolved.use_notify, "use_notify", label),
      name: context.name,
      target: `${target.host ?? "localhost"}:${target.port ?? 5432}/${target.path}`,
      logger: context.logger,
    });
  }

  #knownConnections(
    context?: Pick<TransportFactoryContext, "connections">,
  ): Readonly<Record<string, string>> {
    if (context?.connections) return context.connections;
    const databaseUrl = process.env.DATABASE_URL;
    return { ...(databaseUrl ? { default: databaseUrl } : {}), ...this.#connections };
  }
}

function schemeOf(dsn: unknown): string | undefined {
  return typeof dsn === "string" ? SCHEME.exec(dsn)?.[1]?.toLowerCase() : undefined;
}

function isPostgresDsn(dsn: string): boolean {
  const scheme = schemeOf(dsn);
  return scheme === "postgres" || scheme === "postgresql";
}

/** The host part of `doctrine://<name>?…`, as written (URL parsing would lowercase it). */
function connectionNameOf(dsn: string): string {
  return /^doctrine:\/\/([^/?#]*)/i.exec(dsn)?.[1] ?? "";
}

/** parseDsn with an error that cannot leak a password, even one with unescaped / ? # in it. */
function parse(dsn: string, label: string): Dsn {
  try {
    return parseDsn(dsn);
  } catch {
    // Not chained: parseDsn's own message shows the DSN through the weaker redaction.
    throw new InvalidArgumentError(
      `Invalid DSN "${safeDsn(dsn)}" for ${label}: expected scheme://[user:password@]host[:port][/database][?options] (percent-encode special characters in the password).`,
      { code: "INVALID_DSN" },
    );
  }
}

/**
 * The DSN with the password masked. Stricter than core's redactDsn: everything between the
 * first ":" of the user info and the LAST "@" is masked, so a password holding "/", "?", "#" or
 * "@" does not escape.
 */
export function safeDsn(dsn: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(String(dsn));
  if (!match) return "(not a DSN)";
  const [, scheme, rest] = match as unknown as [string, string, string];
  const at = rest.lastIndexOf("@");
  if (at === -1) return `${scheme}${rest}`;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(":");
  return `${scheme}${colon === -1 ? userinfo : `${userinfo.slice(0, colon)}:***`}@${rest.slice(at + 1)}`;
}

function connectionConfig(dsn: Dsn, sslmode: SslMode): pg.ClientConfig {
  return {
    host: dsn.host ? decodeURIComponent(dsn.host) : undefined,
    port: dsn.port ?? undefined,
    user: dsn.user ?? undefined,
    password: dsn.password ?? undefined,
    database: dsn.path || undefined,
    ssl: sslOptions(sslmode),
  };
}

/** libpq's modes in node's TLS terms: `require` encrypts without checking the certificate, as libpq does. */
function sslOptions(mode: SslMode): pg.ClientConfig["ssl"] {
  switch (mode) {
    case "disable":
      return false;
    case "require":
    case "no-verify":
      return { rejectUnauthorized: false };
    case "verify-ca":
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return { rejectUnauthorized: true };
  }
}
