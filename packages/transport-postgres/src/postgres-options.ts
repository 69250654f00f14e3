import { InvalidArgumentError } from "@messenger-ts/core";

/**
 * The options a `postgres://` / `doctrine://` DSN query or a transport's options object may carry,
 * with their defaults. Names and units are Symfony's (`redeliver_timeout` in seconds).
 */
export const POSTGRES_OPTION_DEFAULTS = {
  table_name: "messenger_messages" as string,
  queue_name: "default" as string,
  /** Seconds. Symfony's default is 3600; keepalive (on by default in the worker) makes 30 safe. */
  redeliver_timeout: 30 as number | string,
  auto_setup: true as boolean | string,
  use_notify: true as boolean | string,
  schema: "public" as string,
  /** A connection's own `sslmode` applies when neither the DSN query nor the options give one; else "disable". */
  sslmode: undefined as string | undefined,
};

export type PostgresOptionName = keyof typeof POSTGRES_OPTION_DEFAULTS;

/** The SSL modes node-postgres can honour; libpq's `allow` / `prefer` fall back silently, so they are refused. */
export const SSL_MODES = ["disable", "require", "no-verify", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Table and schema names: quoted in SQL, but kept to what needs no quoting to stay greppable. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Queue names are bound parameters and NOTIFY payloads; this keeps them printable and short. */
const QUEUE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Room for the longest suffix the schema derives from a table name (`_claimed_idx`, version 1) within 63 bytes. */
export const MAX_TABLE_NAME_LENGTH = 48;
const MAX_SCHEMA_NAME_LENGTH = 63;
/** The `queue_name` column is varchar(190), as in Symfony. */
const MAX_QUEUE_NAME_LENGTH = 190;

function shown(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

function invalid(option: string, value: unknown, label: string, expected: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `Invalid value ${shown(value)} for option "${option}" of ${label}: expected ${expected}.`,
    { code: "INVALID_TRANSPORT_OPTION" },
  );
}

/** A table or schema name, checked before it is ever spliced into SQL. */
export function toIdentifier(value: unknown, option: "table_name" | "schema", label: string): string {
  const max = option === "table_name" ? MAX_TABLE_NAME_LENGTH : MAX_SCHEMA_NAME_LENGTH;
  if (typeof value !== "string" || !IDENTIFIER.test(value) || value.length > max) {
    throw invalid(
      option,
      value,
      label,
      `an identifier of letters, digits and underscores, not starting with a digit, at most ${max} characters`,
    );
  }
  return value;
}

export function toQueueName(value: unknown, label: string, option = "queue_name"): string {
  if (typeof value !== "string" || !QUEUE_NAME.test(value) || value.length > MAX_QUEUE_NAME_LENGTH) {
    throw invalid(
      option,
      value,
      label,
      `a queue name of letters, digits, "_", "-" and ".", not starting with "-" or ".", at most ${MAX_QUEUE_NAME_LENGTH} characters`,
    );
  }
  return value;
}

/** DSN options arrive as strings, options objects as real booleans: accept both, and nothing else. */
export function toBoolean(value: unknown, option: string, label: string): boolean {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw invalid(option, value, label, 'true or false (or "true" / "false")');
}

/** A positive, finite number of seconds (fractions allowed) given as a number or a decimal string. */
export function toPositiveSeconds(value: unknown, option: string, label: string): number {
  const seconds =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\d+(\.\d+)?$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw invalid(option, value, label, "a number of seconds > 0");
  return seconds;
}

export function toSslMode(value: unknown, label: string): SslMode {
  if (typeof value === "string" && (SSL_MODES as readonly string[]).includes(value)) return value as SslMode;
  throw invalid("sslmode", value, label, `one of ${SSL_MODES.join(", ")}`);
}

/**
 * The most rows one claim takes (the claim sizer picks fewer for slow consumers). A claim costs
 * about a millisecond of fixed work (round trip, planning, commit) besides its rows; at 100 rows
 * that was a third of the claim, and claims were what a fast worker waited for.
 */
export const MAX_CLAIM_BATCH = 500;
