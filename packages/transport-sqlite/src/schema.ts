/**
 * The transport's schema, as SQL text. Table names are validated (letters, digits, underscores)
 * before they get here, so quoting them is enough; every value is a bound parameter elsewhere.
 *
 * The version lives in a small `<table>_meta` table, not in `PRAGMA user_version`: with
 * `doctrine://` the file is the application's own database, whose migration tool may well own
 * `user_version`, and several transports may keep their tables in one file.
 */

/** The version this release creates; setup() brings an older table up to it, step by step. */
export const SCHEMA_VERSION = 4;

/** Meta rows: the schema version, and the `messenger:stop-workers` signal. */
export const META_SCHEMA_VERSION = "schema_version";
export const META_RESTART_REQUESTED_AT = "restart_requested_at";

/** The identifiers one transport table needs, quoted for SQL. */
export interface SchemaNames {
  readonly table: string;
  readonly meta: string;
  readonly queueIndex: string;
  /** The claim index of version 3: (queue, priority, due time, claim state). */
  readonly claimIndex: string;
  /** Unique on (queue, deduplication key) where a key is set. */
  readonly deduplicationIndex: string;
  /** Version 4: the rows whose available_at is text, by queue (a partial index, empty as a rule). */
  readonly textDueIndex: string;
  /** `<table>_workers`: the live workers' heartbeats (`messenger:workers`). */
  readonly workers: string;
  /** Unquoted `<table>_workers`, to look the table up in sqlite_master. */
  readonly plainWorkers: string;
  /** Unquoted, for PRAGMA table_info and error messages. */
  readonly plainTable: string;
}

export function schemaNames(tableName: string): SchemaNames {
  const quote = (name: string) => `"${name}"`;
  return {
    table: quote(tableName),
    meta: quote(`${tableName}_meta`),
    queueIndex: quote(`${tableName}_queue_available_idx`),
    claimIndex: quote(`${tableName}_claim_idx`),
    deduplicationIndex: quote(`${tableName}_deduplication_idx`),
    textDueIndex: quote(`${tableName}_text_due_idx`),
    workers: quote(`${tableName}_workers`),
    plainWorkers: `${tableName}_workers`,
    plainTable: tableName,
  };
}

/** Created before anything else, so the version can be read; WITHOUT ROWID: a handful of keyed rows. */
export function metaTableSql(names: SchemaNames): string {
  return `CREATE TABLE IF NOT EXISTS ${names.meta} (
    name TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
  ) WITHOUT ROWID`;
}

/**
 * The heartbeats of live workers, outside the schema version: setup() creates it on every run (an
 * installation set up before it existed gets it without a migration of the messages table). The
 * heartbeat is JSON text, so later fields need no migration; `expires_at` is epoch milliseconds.
 */
export function workersTableSql(names: SchemaNames): string {
  return `CREATE TABLE IF NOT EXISTS ${names.workers} (
    id TEXT PRIMARY KEY NOT NULL,
    heartbeat TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID`;
}

/**
 * `MIGRATIONS[n]` takes a table from version n to n + 1, given the table's columns as they are
 * before the step. Each step must be idempotent on its own (IF NOT EXISTS, or a look at the
 * columns), since a table created by hand or by an interrupted setup may be half there.
 */
export const MIGRATIONS: readonly ((names: SchemaNames, columns: readonly string[]) => readonly string[])[] =
  [
    (names) => [
      // AUTOINCREMENT: ids are never reused after a delete, so a stale envelope's id can never
      // acknowledge a newer message. Times are integer epoch milliseconds: delays keep milliseconds.
      `CREATE TABLE IF NOT EXISTS ${names.table} (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      body TEXT NOT NULL,
      headers TEXT NOT NULL,
      queue_name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      available_at INTEGER NOT NULL,
      delivered_at INTEGER
    )`,
      // The claim, the count and the idle poll all read (queue, due time, claim state) in due-time
      // order: with delivered_at in the index they never touch a table row to pick their candidates.
      `CREATE INDEX IF NOT EXISTS ${names.queueIndex}
      ON ${names.table} (queue_name, available_at, delivered_at)`,
    ],
    // Version 2: how often the message was claimed without an ack (release() takes one back), so a
    // message whose handler kills its worker reaches the failure transport after `delivery_limit`.
    // Stored rows start at 0: what they went through before the upgrade was not counted.
    (names, columns) =>
      columns.includes("delivery_count")
        ? []
        : [`ALTER TABLE ${names.table} ADD COLUMN delivery_count INTEGER NOT NULL DEFAULT 0`],
    // Version 3: per-message priority and deduplication. The claim index leads with the priority
    // (higher first), so a claim still walks one index range in claim order; the unique partial
    // index makes holding a deduplication key and storing its message one atomic insert.
    (names, columns) => [
      ...(columns.includes("priority")
        ? []
        : [
            `ALTER TABLE ${names.table} ADD COLUMN priority INTEGER NOT NULL DEFAULT 0`,
            `ALTER TABLE ${names.table} ADD COLUMN deduplication_key TEXT`,
            `ALTER TABLE ${names.table} ADD COLUMN deduplicate_until INTEGER`,
            `ALTER TABLE ${names.table} ADD COLUMN deduplicate_in_queue INTEGER NOT NULL DEFAULT 0`,
          ]),
      `DROP INDEX IF EXISTS ${names.queueIndex}`,
      `CREATE INDEX IF NOT EXISTS ${names.claimIndex}
      ON ${names.table} (queue_name, priority DESC, available_at, delivered_at)`,
      `CREATE UNIQUE INDEX IF NOT EXISTS ${names.deduplicationIndex}
      ON ${names.table} (queue_name, deduplication_key) WHERE deduplication_key IS NOT NULL`,
    ],
    // Version 4: every claim also looks for rows whose available_at is text (a foreign producer's
    // date string), which "available_at <= now" never matches. The claim index cannot find them
    // (the priority comes before the due time), so that look read every row of the queue: 240 ms
    // per claim with 1,000,000 queued. A partial index holds only those rows, none as a rule.
    (names) => [
      `CREATE INDEX IF NOT EXISTS ${names.textDueIndex}
      ON ${names.table} (queue_name) WHERE available_at >= ''`,
    ],
  ];

/**
 * A row that only keeps a `throttle` deduplication key after its message was handled: no message,
 * never due (available at the largest time), at a priority no message has; every read skips it
 * by `priority >= 0`.
 */
export const KEPT_KEY_PRIORITY = -1;
export const KEPT_KEY_AVAILABLE_AT = Number.MAX_SAFE_INTEGER;

/**
 * The columns of a version 1 table: a table without them was not created here. The columns later
 * versions add are not required; setup() adds them.
 */
export const REQUIRED_COLUMNS: readonly string[] = [
  "id",
  "body",
  "headers",
  "queue_name",
  "created_at",
  "available_at",
  "delivered_at",
];
