import {
  InvalidArgumentError,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import {
  claimsDoctrineDsn,
  type Dsn,
  dsnScheme,
  parseBooleanOption,
  parseDeliveryLimitOption,
  parseDsn,
  parseQueueNameOption,
  parseSecondsOptionAsMs,
  parseSqlIdentifierOption,
  redactDsn,
  resolveDoctrineDsn,
  resolveTransportOptions,
} from "@messenger-ts/core/transport";
import type pg from "pg";
import {
  MAX_SCHEMA_NAME_LENGTH,
  MAX_TABLE_NAME_LENGTH,
  POSTGRES_OPTION_DEFAULTS,
  type SslMode,
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

/** The connections `doctrine://` may name for this factory. */
const POSTGRES_CONNECTIONS = {
  schemes: ["postgres", "postgresql"],
  factory: "PostgresTransportFactory",
} as const;

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
    return (
      isPostgresDsn(dsn) || claimsDoctrineDsn(dsn, this.#knownConnections(context), POSTGRES_CONNECTIONS)
    );
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): PostgresTransport {
    const scheme = dsnScheme(dsn);
    const label = `transport "${context.name}"`;
    let connectionDsn: string;
    let transportQuery: Readonly<Record<string, string>>;
    let connectionQuery: Readonly<Record<string, string>> = {};
    if (scheme === "postgres" || scheme === "postgresql") {
      connectionDsn = dsn;
      transportQuery = parse(dsn, label).query;
    } else if (scheme === "doctrine") {
      const doctrine = resolveDoctrineDsn(dsn, context, POSTGRES_CONNECTIONS);
      const name = doctrine.connection;
      connectionDsn = doctrine.connectionDsn;
      transportQuery = doctrine.query;
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
        `PostgresTransportFactory cannot build ${label} from "${redactDsn(dsn)}": expected a postgres://, postgresql:// or doctrine:// DSN.`,
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
      tableName: parseSqlIdentifierOption(resolved.table_name, "table_name", label, MAX_TABLE_NAME_LENGTH),
      queueName: parseQueueNameOption(resolved.queue_name, "queue_name", label),
      schema: parseSqlIdentifierOption(resolved.schema, "schema", label, MAX_SCHEMA_NAME_LENGTH),
      redeliveryTimeout: parseSecondsOptionAsMs(resolved.redeliver_timeout, "redeliver_timeout", label),
      deliveryLimit: parseDeliveryLimitOption(resolved.delivery_limit, "delivery_limit", label),
      autoSetup: parseBooleanOption(resolved.auto_setup, "auto_setup", label),
      useNotify: parseBooleanOption(resolved.use_notify, "use_notify", label),
      symfony: parseBooleanOption(resolved.symfony, "symfony", label),
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

function isPostgresDsn(dsn: string): boolean {
  const scheme = dsnScheme(dsn);
  return scheme === "postgres" || scheme === "postgresql";
}

/** parseDsn with an error that cannot leak a password, even one with unescaped / ? # in it. */
function parse(dsn: string, label: string): Dsn {
  try {
    return parseDsn(dsn);
  } catch {
    // Not chained: this message says how to write a password that URL parsing chokes on.
    throw new InvalidArgumentError(
      `Invalid DSN "${redactDsn(dsn)}" for ${label}: expected scheme://[user:password@]host[:port][/database][?options] (percent-encode special characters in the password).`,
      { code: "INVALID_DSN" },
    );
  }
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
