import mysql, { type Pool, type ResultSetHeader, type RowDataPacket } from "mysql2/promise";
import { domainSchema } from "./domain-schema.js";
import { DOMAIN_TABLES, type DomainTable } from "./records.js";
import { type Row, SqlDomainStore } from "./sql-domain-store.js";

export interface MysqlDomainStoreOptions {
  /** A mysql:// or mariadb:// URL (DATABASE_URL) naming the database; it is created when missing. */
  readonly url: string;
  /** @defaultValue 5 */
  readonly poolSize?: number;
}

/** Named lock that serialises concurrent setups (MySQL's DDL cannot run inside a transaction). */
const SETUP_LOCK = "messenger-ts leadgen domain setup";

/**
 * Columns that are keys (unique, primary or indexed): MySQL indexes a TEXT column only up to a
 * prefix length, so they are VARCHAR here. Every other column keeps the shared schema's TEXT.
 */
const KEY_COLUMNS = /\b(ico|website|provider_message_id|status|industry|period_key|system) TEXT\b/g;

/**
 * The domain store in MySQL or MariaDB (10.5+: `INSERT … RETURNING`), in the database that holds
 * the queues, on a pool of its own. The shared statements speak PostgreSQL's and SQLite's upsert
 * (`ON CONFLICT`); they are translated here to MySQL's (`INSERT IGNORE`, `ON DUPLICATE KEY UPDATE`).
 */
export class MysqlDomainStore extends SqlDomainStore {
  readonly kind = "mysql" as const;
  readonly description: string;
  /** The pool (the schedule's lock and checkpoint store uses it too). */
  readonly pool: Pool;
  readonly #url: URL;
  readonly #translated = new Map<string, string>();

  constructor(options: MysqlDomainStoreOptions) {
    super();
    this.#url = new URL(options.url.replace(/^mariadb:/i, "mysql:"));
    this.pool = mysql.createPool({
      uri: this.#url.toString(),
      connectionLimit: options.poolSize ?? 5,
      supportBigNumbers: true,
      bigNumberStrings: true,
      charset: "utf8mb4",
    });
    this.description = `MySQL ${this.#url.hostname}:${this.#url.port || 3306}${this.#url.pathname}`;
  }

  async setup(): Promise<void> {
    await this.#createDatabase();
    const connection = await this.pool.getConnection();
    try {
      await connection.query("SELECT GET_LOCK(?, 30)", [SETUP_LOCK]);
      try {
        for (const statement of domainSchema({
          id: "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
          real: "DOUBLE",
          table: (name) => this.table(name),
        }))
          await connection.query(statement.replace(KEY_COLUMNS, "$1 VARCHAR(191)"));
      } finally {
        await connection.query("SELECT RELEASE_LOCK(?)", [SETUP_LOCK]);
      }
    } finally {
      connection.release();
    }
  }

  async purge(): Promise<void> {
    // Ids start at 1 again, so freshly loaded fixtures have the ids the README shows. TRUNCATE is
    // refused on a table another references unless this session stops checking foreign keys.
    const connection = await this.pool.getConnection();
    try {
      await connection.query("SET FOREIGN_KEY_CHECKS = 0");
      for (const table of DOMAIN_TABLES) await connection.query(`TRUNCATE TABLE ${this.table(table)}`);
    } finally {
      await connection.query("SET FOREIGN_KEY_CHECKS = 1").catch(() => undefined);
      connection.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** One UPDATE, as on the other databases; MySQL reports the rows it changed instead of returning them. */
  override async takeOutage(system: string): Promise<boolean> {
    const changed = await this.execute(
      `UPDATE ${this.table("outages")} SET remaining = remaining - 1 WHERE system = ? AND remaining > 0`,
      [system],
    );
    return changed > 0;
  }

  protected table(name: DomainTable): string {
    return `\`${name}\``;
  }

  protected async rows(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(this.#translate(sql), [...params]);
    return rows as Row[];
  }

  protected async execute(sql: string, params: readonly unknown[] = []): Promise<number> {
    const [result] = await this.pool.query<ResultSetHeader>(this.#translate(sql), [...params]);
    return result.affectedRows;
  }

  /** `ON CONFLICT (…) DO NOTHING` → `INSERT IGNORE`; `ON CONFLICT (…) DO UPDATE SET x = excluded.x` → `ON DUPLICATE KEY UPDATE x = VALUES(x)`. */
  #translate(sql: string): string {
    let translated = this.#translated.get(sql);
    if (translated === undefined) {
      translated = sql;
      if (/ON CONFLICT \([^)]*\) DO NOTHING/.test(sql)) {
        translated = translated
          .replace(/ON CONFLICT \([^)]*\) DO NOTHING/, "")
          .replace(/^(\s*)INSERT INTO/, "$1INSERT IGNORE INTO");
      }
      translated = translated
        .replace(/ON CONFLICT \([^)]*\) DO UPDATE SET/, "ON DUPLICATE KEY UPDATE")
        .replace(/\bexcluded\.(\w+)/g, "VALUES($1)");
      this.#translated.set(sql, translated);
    }
    return translated;
  }

  async #createDatabase(): Promise<void> {
    const database = decodeURIComponent(this.#url.pathname.replace(/^\//, ""));
    if (!/^[A-Za-z0-9_]+$/.test(database)) return;
    const server = new URL(this.#url.toString());
    server.pathname = "/";
    const connection = await mysql.createConnection({ uri: server.toString() });
    try {
      await connection.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
    } finally {
      await connection.end();
    }
  }
}
