import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { domainSchema } from "./domain-schema.js";
import { DOMAIN_TABLES, type DomainTable } from "./records.js";
import { type Row, SqlDomainStore } from "./sql-domain-store.js";

/**
 * The domain store in an SQLite file: the file the SQLite transport keeps the queues in, opened
 * on a handle of its own. better-sqlite3 is synchronous and each method is one short statement,
 * so no statement of another handler can slip between two of ours.
 */
export class SqliteDomainStore extends SqlDomainStore {
  readonly kind = "sqlite" as const;
  readonly description: string;
  /** The open handle (the schedule's lock and checkpoint store uses it too). */
  readonly database: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  /** @param path a file (its directory is created) or ":memory:" */
  constructor(readonly path: string) {
    super();
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    // Waits up to 5 s for a worker process holding the write lock, like the transport does.
    this.database = new Database(path, { timeout: 5_000 });
    this.database.pragma("journal_mode = WAL");
    this.database.pragma("foreign_keys = ON");
    this.description = `SQLite ${path}`;
  }

  async setup(): Promise<void> {
    // IMMEDIATE takes the write lock first: two processes starting at once create the tables once.
    this.database.exec("BEGIN IMMEDIATE");
    try {
      for (const statement of domainSchema({
        id: "INTEGER PRIMARY KEY AUTOINCREMENT",
        real: "REAL",
        table: (n) => n,
      }))
        this.database.exec(statement);
      this.database.exec("COMMIT");
    } catch (error) {
      if (this.database.inTransaction) this.database.exec("ROLLBACK");
      throw error;
    }
  }

  async purge(): Promise<void> {
    this.database.exec("BEGIN IMMEDIATE");
    try {
      for (const table of DOMAIN_TABLES) this.database.exec(`DELETE FROM ${table}`);
      // Ids start at 1 again, so freshly loaded fixtures have the ids the README shows.
      const names = DOMAIN_TABLES.map((table) => `'${table}'`).join(", ");
      this.database.exec(`DELETE FROM sqlite_sequence WHERE name IN (${names})`);
      this.database.exec("COMMIT");
    } catch (error) {
      if (this.database.inTransaction) this.database.exec("ROLLBACK");
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }

  protected table(name: DomainTable): string {
    return name;
  }

  protected async rows(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const statement = this.#prepare(sql);
    if (statement.reader) return statement.all(...params) as Row[];
    statement.run(...params);
    return [];
  }

  protected async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.#prepare(sql).run(...params).changes;
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}
