import {
  type Clock,
  InvalidArgumentError,
  type Logger,
  resolveTransportOptions,
  type Serializer,
} from "@messenger-ts/core";
import type Database from "better-sqlite3";

/**
 * The keys a DSN query (`sqlite://var/app.sqlite?queue_name=high`) or a transport's options object
 * may carry, with Symfony's Doctrine names and our defaults. `redeliver_timeout` is in seconds as
 * in Symfony, but 30 instead of 3600: keepalive is on by default, so a short timeout costs nothing
 * and a dead worker's message runs again within a minute.
 */
export const SQLITE_OPTION_DEFAULTS = {
  table_name: "messenger_messages" as string,
  queue_name: "default" as string,
  redeliver_timeout: 30 as number | string,
  auto_setup: true as boolean | string,
};

/** Options of {@link SqliteTransport}; the `sqlite://` and `doctrine://` DSNs are a front end to them. */
export interface SqliteTransportOptions {
  /**
   * The database file: absolute, relative to the working directory, or `":memory:"` (a private
   * database that lives as long as the transport). Give either `path` or `database`.
   */
  readonly path?: string;
  /**
   * An open better-sqlite3 handle to use instead of opening `path`. The transport never closes it.
   * Transports opened from a `path` share one handle per file within a process.
   */
  readonly database?: Database.Database;
  /** @defaultValue "messenger_messages" */
  readonly tableName?: string;
  /** Many logical queues share one table. @defaultValue "default" */
  readonly queueName?: string;
  /** Seconds after which a claimed, unacknowledged message is delivered again. @defaultValue 30 */
  readonly redeliverTimeout?: number;
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

/** The four transport options after defaults, validated. */
export interface ResolvedSqliteOptions {
  readonly tableName: string;
  readonly queueName: string;
  /** Seconds. */
  readonly redeliverTimeout: number;
  readonly autoSetup: boolean;
}

/**
 * Table names reach SQL as identifiers, so only plain names pass: letters, digits and underscores,
 * not starting with a digit, not SQLite's reserved `sqlite_` prefix. 63 characters, as PostgreSQL.
 */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/**
 * Queue names are bound values, but they also appear in logs and CLI output: keep them plain, and
 * the same as the PostgreSQL transport's, so a configuration moves between the two unchanged.
 */
const QUEUE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,189}$/;

function shown(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

function invalid(option: string, value: unknown, label: string, expected: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `Invalid value ${shown(value)} for option "${option}" of ${label}: expected ${expected}.`,
    { code: "INVALID_TRANSPORT_OPTION" },
  );
}

export function assertTableName(value: unknown, label: string, option = "table_name"): string {
  if (typeof value !== "string" || !TABLE_NAME.test(value) || value.toLowerCase().startsWith("sqlite_")) {
    throw invalid(
      option,
      value,
      label,
      "a table name of letters, digits and underscores, not starting with a digit or sqlite_, at most 63 characters",
    );
  }
  return value;
}

export function assertQueueName(value: unknown, label: string, option = "queue_name"): string {
  if (typeof value !== "string" || !QUEUE_NAME.test(value)) {
    throw invalid(
      option,
      value,
      label,
      'a queue name of letters, digits, "_", "-" and ".", not starting with "-" or ".", at most 190 characters',
    );
  }
  return value;
}

/** Seconds, from a DSN string or a number; fractions are allowed (tests use short timeouts). */
export function parseRedeliverTimeout(value: unknown, label: string, option = "redeliver_timeout"): number {
  const seconds =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : NaN;
  // The upper bound keeps `now - timeout` and keepalive timers (a third of it) in safe ranges.
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 2_000_000) {
    throw invalid(option, value, label, "a number of seconds > 0 and at most 2000000 (e.g. 30)");
  }
  return seconds;
}

/** DSN options arrive as strings, options objects as real booleans: accept both, and nothing else. */
export function parseBoolean(value: unknown, option: string, label: string): boolean {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw invalid(option, value, label, 'true or false (or "true" / "false")');
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
    tableName: assertTableName(resolved.table_name, label),
    queueName: assertQueueName(resolved.queue_name, label),
    redeliverTimeout: parseRedeliverTimeout(resolved.redeliver_timeout, label),
    autoSetup: parseBoolean(resolved.auto_setup, "auto_setup", label),
  };
}

/** The constructor's options with defaults, validated under their camelCase names. */
export function normalizeSqliteTransportOptions(
  options: SqliteTransportOptions,
  label: string,
): ResolvedSqliteOptions {
  return {
    tableName: assertTableName(options.tableName ?? SQLITE_OPTION_DEFAULTS.table_name, label, "tableName"),
    queueName: assertQueueName(options.queueName ?? SQLITE_OPTION_DEFAULTS.queue_name, label, "queueName"),
    redeliverTimeout: parseRedeliverTimeout(
      options.redeliverTimeout ?? SQLITE_OPTION_DEFAULTS.redeliver_timeout,
      label,
      "redeliverTimeout",
    ),
    autoSetup: parseBoolean(options.autoSetup ?? true, "autoSetup", label),
  };
}
