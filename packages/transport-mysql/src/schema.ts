/**
 * The version of the tables `setup()` creates, kept in the messages table's comment. A later
 * release reads it and migrates from it; this one refuses a table it did not create (no version)
 * or one created by a newer release (a higher version).
 */
export const SCHEMA_VERSION = 1;

const VERSION_COMMENT_PREFIX = "messenger-ts transport table; schema version ";

/** The version in a table comment, or null when the comment is not one setup() wrote. */
export function parseSchemaVersion(comment: string | null | undefined): number | null {
  if (typeof comment !== "string" || !comment.startsWith(VERSION_COMMENT_PREFIX)) return null;
  const version = Number(comment.slice(VERSION_COMMENT_PREFIX.length));
  return Number.isSafeInteger(version) && version > 0 ? version : null;
}

/**
 * The name of the server-wide `GET_LOCK` every setup takes: concurrent setups (several workers
 * starting at once) run one after the other. MySQL's DDL commits on its own, so a transaction
 * cannot serialise them.
 */
export const SETUP_LOCK_NAME = "messenger_ts_setup";

/** Every SQL name the transport uses, quoted, derived from validated identifiers. */
export interface SchemaNames {
  /** The bare table name. */
  readonly table: string;
  /** `` `table` `` */
  readonly qualifiedTable: string;
  /** `` `table_restart` ``: the one-row table of `messenger:stop-workers`. */
  readonly qualifiedRestartTable: string;
  /** `` `table_workers` ``: the live workers' heartbeats (`messenger:workers`). */
  readonly qualifiedWorkersTable: string;
}

const quote = (identifier: string) => `\`${identifier}\``;

/** Callers pass an identifier already checked by `parseSqlIdentifierOption`; nothing else may reach this. */
export function schemaNames(table: string): SchemaNames {
  return {
    table,
    qualifiedTable: quote(table),
    qualifiedRestartTable: quote(`${table}_restart`),
    qualifiedWorkersTable: quote(`${table}_workers`),
  };
}

/**
 * The DDL of the current schema version. The messages table comes last and carries the version
 * in its comment, so a setup cut short is finished by the next one.
 *
 * - Symfony's columns (`body` and `headers` LONGTEXT, `queue_name` VARCHAR(190)), with the times
 *   as DATETIME(6) in UTC (delays to the microsecond; the session's time zone plays no part) and
 *   a `delivery_count` for the delivery limit.
 * - One index, (queue_name, available_at, id): the claim walks it oldest first and stops after the
 *   batch. No index holds `delivered_at`, which every claim, keepalive and release changes: an
 *   update of an indexed column moves index entries, and the locks taken on them in the opposite
 *   order of an ack's are what deadlocks Symfony's workers on MySQL (see decision 0017).
 * - `utf8mb4_bin`: queue names compare byte for byte, as on PostgreSQL and SQLite.
 */
export function schemaStatements(names: SchemaNames): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${names.qualifiedRestartTable} (
      id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
      requested_at BIGINT NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    workersTableStatement(names),
    `CREATE TABLE IF NOT EXISTS ${names.qualifiedTable} (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      body LONGTEXT NOT NULL,
      headers LONGTEXT NOT NULL,
      queue_name VARCHAR(190) NOT NULL,
      created_at DATETIME(6) NOT NULL,
      available_at DATETIME(6) NOT NULL,
      delivered_at DATETIME(6) NULL DEFAULT NULL,
      delivery_count INT NOT NULL DEFAULT 0,
      INDEX ${quote(`${names.table}_claim_idx`)} (queue_name, available_at, id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
      COMMENT='${VERSION_COMMENT_PREFIX}${SCHEMA_VERSION}'`,
  ];
}

/**
 * The heartbeats of live workers, next to the messages table and outside its schema version. The
 * heartbeat is JSON text; `expires_at` is on the database clock.
 */
export function workersTableStatement(names: SchemaNames): string {
  return `CREATE TABLE IF NOT EXISTS ${names.qualifiedWorkersTable} (
      id VARCHAR(190) NOT NULL PRIMARY KEY,
      heartbeat LONGTEXT NOT NULL,
      expires_at DATETIME(6) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
}
