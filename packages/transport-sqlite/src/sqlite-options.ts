import type { Clock, Logger, Serializer } from "@messenger-ts/core";
import {
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_QUEUE_NAME,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  DEFAULT_TABLE_NAME,
  invalid,
  parseBooleanOption,
  parseDeliveryLimitOption,
  parseMillisecondsOption,
  parseQueueNameOption,
  parseSecondsOptionAsMs,
  parseSqlIdentifierOption,
  resolveTransportOptions,
} from "@messenger-ts/core/transport";
import { SQLITE_DRIVERS, type SqliteDatabase, type SqliteDriverChoice } from "./open-sqlite-database.js";

/**
 * The keys a DSN query (`sqlite://var/app.sqlite?queue_name=high`) or a transport's options object
 * may carry, with Symfony's Doctrine names and our defaults. `redeliver_timeout` is in seconds as
 * in Symfony, but 30 instead of 3600: keepalive is on by default, so a short timeout costs nothing
 * and a dead worker's message runs again within a minute.
 */
export const SQLITE_OPTION_DEFAULTS = {
  table_name: DEFAULT_TABLE_NAME as string,
  queue_name: DEFAULT_QUEUE_NAME as string,
  redeliver_timeout: (DEFAULT_REDELIVERY_TIMEOUT_MS / 1000) as number | string,
  delivery_limit: DEFAULT_DELIVERY_LIMIT as number | string,
  auto_setup: true as boolean | string,
  driver: "auto" as string,
};

/** Options of {@link SqliteTransport}; the `sqlite://` and `doctrine://` DSNs are a front end to them. */
export interface SqliteTransportOptions {
  /**
   * The database file: absolute, relative to the working directory, or `":memory:"` (a private
   * database that lives as long as the transport). Give either `path` or `database`.
   */
  readonly path?: string;
  /**
   * An open handle to use instead of opening `path`: a better-sqlite3 `Database` or a node:sqlite
   * `DatabaseSync` (Node.js 22.16 or later). The transport never closes it. Transports opened
   * from a `path` share one handle per file within a process.
   */
  readonly database?: SqliteDatabase;
  /**
   * The driver that opens `path`: node:sqlite (built into Node.js 22.16 and later), better-sqlite3
   * (an optional peer dependency), or `"auto"`, node:sqlite where Node.js has it and better-sqlite3
   * elsewhere. A second transport on a file this process already opened shares that handle,
   * whichever driver opened it. @defaultValue "auto"
   */
  readonly driver?: SqliteDriverChoice;
  /** @defaultValue "messenger_messages" */
  readonly tableName?: string;
  /** Many logical queues share one table. @defaultValue "default" */
  readonly queueName?: string;
  /**
   * Milliseconds after which a claimed, unacknowledged message is delivered again (the DSN's
   * `redeliver_timeout` is in seconds). @defaultValue 30000 (DEFAULT_REDELIVERY_TIMEOUT_MS)
   */
  readonly redeliveryTimeout?: number;
  /**
   * Deliveries a message may have without an ack or reject (a worker that died or hung in its
   * handler): the next one comes back with a `DeliveryLimitExceededStamp`, and the worker sends it
   * to the failure transport instead of a handler. A whole number >= 1; the DSN's `delivery_limit`.
   * @defaultValue 5 (DEFAULT_DELIVERY_LIMIT)
   */
  readonly deliveryLimit?: number;
  /** Create (or migrate) the table on first use. @defaultValue true */
  readonly autoSetup?: boolean;
  /** @defaultValue a JsonSerializer */
  readonly serializer?: Serializer;
  /** Dates messages (created, available, claimed); must agree across processes. @defaultValue systemClock */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The transport's name in the configuration, for errors and logs. @defaultValue "sqlite" */
  readonly name?: string;
}

/** The transport options after defaults, validated. */
export interface ResolvedSqliteOptions {
  readonly driver: SqliteDriverChoice;
  readonly tableName: string;
  readonly queueName: string;
  /** Milliseconds. */
  readonly redeliveryTimeout: number;
  readonly deliveryLimit: number;
  readonly autoSetup: boolean;
}

/** 63 characters, as PostgreSQL's identifiers; `sqlite_` is SQLite's own prefix. */
const MAX_TABLE_NAME_LENGTH = 63;
const RESERVED_TABLE_PREFIX = "sqlite_";

function tableName(value: unknown, label: string, option: string): string {
  return parseSqlIdentifierOption(value, option, label, MAX_TABLE_NAME_LENGTH, RESERVED_TABLE_PREFIX);
}

function driverOption(value: unknown, label: string, option: string): SqliteDriverChoice {
  if (SQLITE_DRIVERS.includes(value as SqliteDriverChoice)) return value as SqliteDriverChoice;
  throw invalid(option, value, label, `one of ${SQLITE_DRIVERS.map((d) => `"${d}"`).join(", ")}`);
}

/**
 * Merges the DSN query, the options object and the defaults (in that order of precedence), rejects
 * unknown keys and validates every value before any of it can reach SQL.
 */
export function resolveSqliteOptions(
  label: string,
  dsnQuery: Readonly<Record<string, string>>,
  options: Readonly<Record<string, unknown>>,
): ResolvedSqliteOptions {
  const resolved = resolveTransportOptions(label, SQLITE_OPTION_DEFAULTS, dsnQuery, options);
  return {
    tableName: tableName(resolved.table_name, label, "table_name"),
    queueName: parseQueueNameOption(resolved.queue_name, "queue_name", label),
    redeliveryTimeout: parseSecondsOptionAsMs(resolved.redeliver_timeout, "redeliver_timeout", label),
    deliveryLimit: parseDeliveryLimitOption(resolved.delivery_limit, "delivery_limit", label),
    autoSetup: parseBooleanOption(resolved.auto_setup, "auto_setup", label),
    driver: driverOption(resolved.driver, label, "driver"),
  };
}

/** The constructor's options with defaults, validated under their camelCase names. */
export function normalizeSqliteTransportOptions(
  options: SqliteTransportOptions,
  label: string,
): ResolvedSqliteOptions {
  return {
    tableName: tableName(options.tableName ?? DEFAULT_TABLE_NAME, label, "tableName"),
    queueName: parseQueueNameOption(options.queueName ?? DEFAULT_QUEUE_NAME, "queueName", label),
    redeliveryTimeout: parseMillisecondsOption(
      options.redeliveryTimeout ?? DEFAULT_REDELIVERY_TIMEOUT_MS,
      "redeliveryTimeout",
      label,
    ),
    deliveryLimit: parseDeliveryLimitOption(
      options.deliveryLimit ?? DEFAULT_DELIVERY_LIMIT,
      "deliveryLimit",
      label,
    ),
    autoSetup: parseBooleanOption(options.autoSetup ?? true, "autoSetup", label),
    driver: driverOption(options.driver ?? "auto", label, "driver"),
  };
}
