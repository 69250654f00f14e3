import type { DatabaseTarget } from "../app/database-target.js";
import type { DomainStore } from "./domain-store.js";
import { MysqlDomainStore } from "./mysql-domain-store.js";
import { PostgresDomainStore } from "./postgres-domain-store.js";
import { SqliteDomainStore } from "./sqlite-domain-store.js";

/** The store for the application's database (not set up: call `setup()`). */
export function openDomainStore(
  target: DatabaseTarget,
): SqliteDomainStore | PostgresDomainStore | MysqlDomainStore {
  if (target.kind === "mysql") return new MysqlDomainStore({ url: target.connection });
  return target.kind === "postgres"
    ? new PostgresDomainStore({ connectionString: target.connection, schema: target.schema })
    : new SqliteDomainStore(target.path);
}

export type { DomainStore };
