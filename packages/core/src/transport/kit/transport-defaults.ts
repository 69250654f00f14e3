/**
 * The redelivery timeout of every transport when none is given: 30 s. Symfony's is an hour; the
 * worker's keepalive (on by default) renews claims of long handlers, so a short timeout costs
 * nothing and a dead worker's message runs again within a minute (BullMQ's lock is 30 s too).
 */
export const DEFAULT_REDELIVERY_TIMEOUT_MS = 30_000;

/** The table of the SQL transports when none is given, as in Symfony. */
export const DEFAULT_TABLE_NAME = "messenger_messages";

/** The queue of the SQL transports when none is given, as in Symfony. */
export const DEFAULT_QUEUE_NAME = "default";
