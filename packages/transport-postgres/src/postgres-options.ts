import {
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_QUEUE_NAME,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  DEFAULT_TABLE_NAME,
  invalid,
} from "@messenger-ts/core/transport";

/**
 * The options a `postgres://` / `doctrine://` DSN query or a transport's options object may carry,
 * with their defaults. Names and units are Symfony's (`redeliver_timeout` in seconds).
 */
export const POSTGRES_OPTION_DEFAULTS = {
  table_name: DEFAULT_TABLE_NAME as string,
  queue_name: DEFAULT_QUEUE_NAME as string,
  /** Seconds. Symfony's default is 3600; keepalive (on by default in the worker) makes 30 safe. */
  redeliver_timeout: (DEFAULT_REDELIVERY_TIMEOUT_MS / 1000) as number | string,
  /** Deliveries without an acknowledgement before a message goes to the failure transport. */
  delivery_limit: DEFAULT_DELIVERY_LIMIT as number | string,
  auto_setup: true as boolean | string,
  use_notify: true as boolean | string,
  schema: "public" as string,
  /** A connection's own `sslmode` applies when neither the DSN query nor the options give one; else "disable". */
  sslmode: undefined as string | undefined,
  /** Symfony's Doctrine table layout, to share the table with PHP Symfony Messenger workers. */
  symfony: false as boolean | string,
};

export type PostgresOptionName = keyof typeof POSTGRES_OPTION_DEFAULTS;

/** The SSL modes node-postgres can honour; libpq's `allow` / `prefer` fall back silently, so they are refused. */
export const SSL_MODES = ["disable", "require", "no-verify", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Room for the longest suffix the schema derives from a table name (`_claimed_idx`, version 1) within 63 bytes. */
export const MAX_TABLE_NAME_LENGTH = 48;
/** PostgreSQL's identifier limit (NAMEDATALEN - 1). */
export const MAX_SCHEMA_NAME_LENGTH = 63;

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

/**
 * The most work, in milliseconds of the consumer's measured pace, one claim takes (the claim
 * sizer's budget; a third of the redelivery timeout when that is shorter). A worker holds its
 * batch and the one claimed ahead; if it dies, they wait out the redelivery timeout while other
 * workers may idle. A quarter second of work per claim keeps that to half a second of the dead
 * worker's work (and at most two full claims), where a third of the 30 s default let a worker
 * doing a few hundred messages a second strand a thousand rows. A claim's fixed cost (about a
 * millisecond) stays well under a percent of the work it fetches.
 */
export const CLAIM_BUDGET_MS = 250;

/**
 * The body characters one claim takes at most, judged from the bodies claimed before (the claim
 * sizer's byte cap). A worker decodes its batch at once and holds it, and the one claimed ahead,
 * until the last message is handled; 500 bodies of 10 KB, their decoded copies and the next
 * batch outgrew V8's young generation, and garbage collection then took more of the worker than
 * its work. A megabyte keeps bodies of up to 2 KB at full batches.
 */
export const CLAIM_BATCH_BYTES = 1_048_576;
