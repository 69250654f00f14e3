import { InvalidArgumentError, type Logger } from "@messenger-ts/core";
import {
  MessageHistoryRecorder,
  type MessageHistoryStore,
  PostgresMessageHistory,
  SqliteMessageHistory,
} from "@messenger-ts/dashboard";
import type { MysqlDomainStore } from "../store/mysql-domain-store.js";
import type { PostgresDomainStore } from "../store/postgres-domain-store.js";
import type { SqliteDomainStore } from "../store/sqlite-domain-store.js";

/** A week of history, at most 100,000 messages: enough to look back, small enough to search. */
export const HISTORY_RETENTION = { maxAge: 7 * 24 * 60 * 60_000, maxRows: 100_000 } as const;

/**
 * `messageHistory` option, else `LEADGEN_MESSAGE_HISTORY` ("1"/"true"/"on" or "0"/"false"/"off"):
 * whether the workers record every message into `messenger_history` and the dashboard shows it.
 * Off by default: it is one row per message handled.
 */
export function messageHistoryEnabled(
  option: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (option !== undefined) return option;
  const value = env.LEADGEN_MESSAGE_HISTORY?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "0" || value === "false" || value === "off")
    return false;
  if (value === "1" || value === "true" || value === "on") return true;
  throw new InvalidArgumentError(
    `LEADGEN_MESSAGE_HISTORY "${env.LEADGEN_MESSAGE_HISTORY}" is not a switch: use 1, true, on, 0, false or off.`,
  );
}

/**
 * The history table in the application's database (next to the domain tables, on the domain
 * store's own handle or pool), and the recorder for the workers of this process. The dashboard's
 * history stores are PostgreSQL and SQLite only, so on MySQL/MariaDB it is refused by name.
 */
export function leadgenMessageHistory(
  store: SqliteDomainStore | PostgresDomainStore | MysqlDomainStore,
  logger: Logger,
): { readonly history: MessageHistoryStore; readonly recorder: MessageHistoryRecorder } {
  if (store.kind === "mysql") {
    throw new InvalidArgumentError(
      "The message history (LEADGEN_MESSAGE_HISTORY) needs a PostgreSQL or SQLite DATABASE_URL; it is not available on MySQL/MariaDB.",
    );
  }
  const history =
    store.kind === "postgres"
      ? new PostgresMessageHistory({ pool: store.pool, schema: store.schema })
      : new SqliteMessageHistory({ database: store.database });
  return { history, recorder: new MessageHistoryRecorder(history, { retention: HISTORY_RETENTION, logger }) };
}
