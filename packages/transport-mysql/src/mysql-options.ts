import {
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_QUEUE_NAME,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  DEFAULT_TABLE_NAME,
} from "@messenger-ts/core/transport";

/**
 * The options a `mysql://` / `mariadb://` / `doctrine://` DSN query or a transport's options object
 * may carry, with their defaults. Names and units are Symfony's (`redeliver_timeout` in seconds);
 * `poll_interval` is ours (there is no LISTEN/NOTIFY to replace), in milliseconds.
 */
export const MYSQL_OPTION_DEFAULTS = {
  table_name: DEFAULT_TABLE_NAME as string,
  queue_name: DEFAULT_QUEUE_NAME as string,
  /** Seconds. Symfony's default is 3600; keepalive (on by default in the worker) makes 30 safe. */
  redeliver_timeout: (DEFAULT_REDELIVERY_TIMEOUT_MS / 1000) as number | string,
  /** Deliveries without an acknowledgement before a message goes to the failure transport. */
  delivery_limit: DEFAULT_DELIVERY_LIMIT as number | string,
  auto_setup: true as boolean | string,
  /** Milliseconds between two looks of an idle worker for new messages (see DEFAULT_POLL_INTERVAL_MS). */
  poll_interval: 100 as number | string,
};

export type MysqlOptionName = keyof typeof MYSQL_OPTION_DEFAULTS;

/**
 * How often an idle worker looks for new messages sent by other processes: MySQL has no
 * LISTEN/NOTIFY. One look is a single-row read of the claim index (`LIMIT 1` per queue), a tenth
 * of a millisecond of server time; ten a second per idle worker is about 0.1 % of a core, and a
 * message sent by another process waits 50 ms on average (100 ms at most) plus a round trip.
 * Sends from the same process wake its idle workers at once, without a look.
 */
export const DEFAULT_POLL_INTERVAL_MS = 100;
/** Below this, polling costs more than it saves; above it, idle workers would react too late to be useful. */
export const MIN_POLL_INTERVAL_MS = 10;
export const MAX_POLL_INTERVAL_MS = 60_000;

/**
 * Room for the longest name the schema derives from a table name (`_restart`, `_workers`) within
 * MySQL's 64-character identifier limit.
 */
export const MAX_TABLE_NAME_LENGTH = 56;

/**
 * The most rows one claim takes (the claim sizer picks fewer for slow consumers). A claim costs
 * four round trips (begin, locking read, update, commit) besides its rows.
 */
export const MAX_CLAIM_BATCH = 500;

/**
 * The most work, in milliseconds of the consumer's measured pace, one claim takes (the claim
 * sizer's budget; a third of the redelivery timeout when that is shorter): what a worker that
 * dies strands until the redelivery timeout, as on PostgreSQL.
 */
export const CLAIM_BUDGET_MS = 250;
