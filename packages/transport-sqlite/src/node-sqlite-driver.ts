import type { SqliteDriverConnection, SqliteRow, SqliteStatement, SqliteValue } from "./sqlite-driver.js";

/** The part of node:sqlite's StatementSync used here (@types/node 20 has no node:sqlite types). */
interface NativeStatement {
  run(...params: SqliteValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqliteValue[]): SqliteRow | undefined;
  all(...params: SqliteValue[]): SqliteRow[];
  setReadBigInts(enabled: boolean): void;
}

/** The part of node:sqlite's DatabaseSync used here. */
export interface NodeSqliteDatabase {
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  close(): void;
  /** Since Node.js 22.16 (isTransaction) and 22.15 (isOpen): older ones are not used. */
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
}

interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeSqliteDatabase;
}

let loaded: NodeSqliteModule | string | undefined;

/**
 * node:sqlite's DatabaseSync, or why it cannot be used: Node.js 20 has none, 22.5 to 22.12 hide it
 * behind a flag, and before 22.16 a handle cannot tell whether a transaction is open, which the
 * transaction middleware must know.
 */
export function loadNodeSqlite(): NodeSqliteModule | string {
  if (loaded !== undefined) return loaded;
  const module = withoutSqliteWarning(() => process.getBuiltinModule?.("node:sqlite")) as
    | NodeSqliteModule
    | undefined;
  if (!module) {
    loaded = `Node.js ${process.version} has no node:sqlite`;
  } else {
    const probe = new module.DatabaseSync(":memory:");
    const usable = typeof probe.isTransaction === "boolean";
    probe.close();
    loaded = usable ? module : `node:sqlite of Node.js ${process.version} is too old (22.16 or later needed)`;
  }
  return loaded;
}

/**
 * Node.js 22 warns that SQLite is experimental on first load. When this package picked the driver
 * itself, the warning is noise to the application: drop that one warning, pass every other on.
 */
function withoutSqliteWarning<T>(load: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === "ExperimentalWarning" && text.startsWith("SQLite")) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emit;
  }
}

export function isNodeSqliteDatabase(value: unknown): value is NodeSqliteDatabase {
  const module = loadNodeSqlite();
  return typeof module !== "string" && value instanceof module.DatabaseSync;
}

/** Opens `path` with node:sqlite; `busyTimeoutMs` as better-sqlite3's `timeout` option. */
export function openNodeSqlite(path: string, busyTimeoutMs: number): NodeSqliteConnection {
  const module = loadNodeSqlite();
  if (typeof module === "string") throw new Error(module);
  const db = new module.DatabaseSync(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return new NodeSqliteConnection(db, path);
}

/** A node:sqlite DatabaseSync as a {@link SqliteDriverConnection}. */
export class NodeSqliteConnection implements SqliteDriverConnection {
  readonly driver = "node:sqlite";
  readonly native: NodeSqliteDatabase;
  readonly name: string;

  constructor(db: NodeSqliteDatabase, name?: string) {
    this.native = db;
    this.name = name ?? mainFile(db);
  }

  get open(): boolean {
    return this.native.isOpen;
  }

  get inTransaction(): boolean {
    return this.native.isTransaction;
  }

  prepare(sql: string): SqliteStatement {
    const statement = this.native.prepare(sql);
    // Read as BigInt and convert below: a number that does not fit comes back rounded, as with
    // better-sqlite3, instead of throwing.
    statement.setReadBigInts(true);
    return {
      run: (...params) => {
        const result = statement.run(...params);
        return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
      },
      get: (...params) => {
        const row = statement.get(...params);
        return row === undefined ? undefined : plainRow(row);
      },
      all: (...params) => statement.all(...params).map(plainRow),
    };
  }

  exec(sql: string): void {
    this.native.exec(sql);
  }

  close(): void {
    this.native.close();
  }
}

/** Rows as better-sqlite3 gives them: a plain object, numbers, Buffers. */
function plainRow(row: SqliteRow): SqliteRow {
  const plain: SqliteRow = {};
  for (const [key, value] of Object.entries(row)) {
    plain[key] =
      typeof value === "bigint"
        ? Number(value)
        : value instanceof Uint8Array
          ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
          : value;
  }
  return plain;
}

function mainFile(db: NodeSqliteDatabase): string {
  const row = db.prepare("SELECT file FROM pragma_database_list WHERE name = 'main'").get() as
    | { file: string }
    | undefined;
  return row?.file || ":memory:";
}
