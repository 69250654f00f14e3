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
  parseWholeNumberOption,
  redactDsn,
  resolveDoctrineDsn,
  resolveTransportOptions,
} from "@messenger-ts/core/transport";
import type { PoolOptions } from "mysql2/promise";
import {
  MAX_POLL_INTERVAL_MS,
  MAX_TABLE_NAME_LENGTH,
  MIN_POLL_INTERVAL_MS,
  MYSQL_OPTION_DEFAULTS,
} from "./mysql-options.js";
import { MysqlTransport } from "./mysql-transport.js";

export interface MysqlTransportFactoryOptions {
  /**
   * Named connections for `doctrine://<name>`, used by `supports()` when it is called without
   * the factory context (`createTransport` always uses the context's). @defaultValue `{ default: DATABASE_URL }`
   */
  readonly connections?: Readonly<Record<string, string>>;
}

/** The schemes of a MySQL connection DSN: Doctrine's `mysql://`, and `mariadb://`. */
const MYSQL_SCHEMES = ["mysql", "mariadb"];

/** Query keys a connection's DSN may carry: Doctrine's DATABASE_URL extras, which say nothing the driver needs. */
const CONNECTION_QUERY_KEYS = ["serverVersion", "charset"];

/** The connections `doctrine://` may name for this factory. */
const MYSQL_CONNECTIONS = { schemes: MYSQL_SCHEMES, factory: "MysqlTransportFactory" } as const;

/**
 * Builds {@link MysqlTransport}s from `mysql://user:password@host:3306/db?queue_name=…` and
 * `mariadb://…` DSNs, and from `doctrine://<connection>?queue_name=…` when that named connection
 * (`default` is DATABASE_URL) is a MySQL DSN. Options come from the DSN query, then the options
 * object, then the defaults; unknown keys and bad values are errors that say what is allowed.
 * Nothing connects here: the pool opens on first use.
 */
export class MysqlTransportFactory implements TransportFactory {
  readonly schemes = ["mysql", "mariadb", "doctrine"] as const;
  readonly #connections: Readonly<Record<string, string>> | undefined;

  constructor(options: MysqlTransportFactoryOptions = {}) {
    this.#connections = options.connections;
  }

  /**
   * `doctrine://` is shared with the PostgreSQL and SQLite transports: it is ours unless the named
   * connection is known and is not MySQL. An unknown name is ours, so that createTransport can say
   * which names exist.
   */
  supports(
    dsn: string,
    _options?: Readonly<Record<string, unknown>>,
    context?: Pick<TransportFactoryContext, "connections">,
  ): boolean {
    return isMysqlDsn(dsn) || claimsDoctrineDsn(dsn, this.#knownConnections(context), MYSQL_CONNECTIONS);
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): MysqlTransport {
    const scheme = dsnScheme(dsn);
    const label = `transport "${context.name}"`;
    let connectionDsn: string;
    let transportQuery: Readonly<Record<string, string>>;
    if (isMysqlDsn(dsn)) {
      connectionDsn = dsn;
      transportQuery = parse(dsn, label).query;
    } else if (scheme === "doctrine") {
      const doctrine = resolveDoctrineDsn(dsn, context, MYSQL_CONNECTIONS);
      const name = doctrine.connection;
      connectionDsn = doctrine.connectionDsn;
      transportQuery = doctrine.query;
      for (const key of Object.keys(parse(connectionDsn, `connection "${name}" of ${label}`).query)) {
        if (!CONNECTION_QUERY_KEYS.includes(key)) {
          throw new InvalidArgumentError(
            `Unknown parameter "${key}" in connection "${name}" of ${label}; allowed: ${CONNECTION_QUERY_KEYS.join(", ")} (transport options go in the doctrine:// DSN).`,
            { code: "UNKNOWN_TRANSPORT_OPTION" },
          );
        }
      }
    } else {
      throw new InvalidArgumentError(
        `MysqlTransportFactory cannot build ${label} from "${redactDsn(dsn)}": expected a mysql://, mariadb:// or doctrine:// DSN.`,
        { code: "UNSUPPORTED_DSN" },
      );
    }

    const resolved = resolveTransportOptions(
      `${label} (${scheme}://)`,
      MYSQL_OPTION_DEFAULTS,
      transportQuery,
      options,
    );
    const target = parse(connectionDsn, label);
    if (!target.path) {
      throw new InvalidArgumentError(
        `The DSN "${redactDsn(connectionDsn)}" of ${label} names no database: expected mysql://user:password@host:3306/<database>.`,
        { code: "INVALID_DSN" },
      );
    }
    return new MysqlTransport({
      connection: connectionConfig(target),
      serializer: context.serializer,
      tableName: parseSqlIdentifierOption(resolved.table_name, "table_name", label, MAX_TABLE_NAME_LENGTH),
      queueName: parseQueueNameOption(resolved.queue_name, "queue_name", label),
      redeliveryTimeout: parseSecondsOptionAsMs(resolved.redeliver_timeout, "redeliver_timeout", label),
      deliveryLimit: parseDeliveryLimitOption(resolved.delivery_limit, "delivery_limit", label),
      autoSetup: parseBooleanOption(resolved.auto_setup, "auto_setup", label),
      pollInterval: parseWholeNumberOption(
        resolved.poll_interval,
        "poll_interval",
        label,
        MIN_POLL_INTERVAL_MS,
        MAX_POLL_INTERVAL_MS,
      ),
      name: context.name,
      target: `${target.host ?? "localhost"}:${target.port ?? 3306}/${target.path}`,
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

function isMysqlDsn(dsn: string): boolean {
  const scheme = dsnScheme(dsn);
  return scheme === "mysql" || scheme === "mariadb";
}

/** parseDsn with an error that cannot leak a password, even one with unescaped / ? # in it. */
function parse(dsn: string, label: string): Dsn {
  try {
    return parseDsn(dsn);
  } catch {
    // Not chained: this message says how to write a password that URL parsing chokes on.
    throw new InvalidArgumentError(
      `Invalid DSN "${redactDsn(dsn)}" for ${label}: expected scheme://[user:password@]host[:port]/database[?options] (percent-encode special characters in the password).`,
      { code: "INVALID_DSN" },
    );
  }
}

function connectionConfig(dsn: Dsn): PoolOptions {
  return {
    host: dsn.host ? decodeURIComponent(dsn.host) : undefined,
    port: dsn.port ?? undefined,
    user: dsn.user ?? undefined,
    password: dsn.password ?? undefined,
    database: dsn.path || undefined,
  };
}
