import type { Clock } from "@messenger-ts/core";
import {
  type CheckpointStore,
  type LockStore,
  MysqlScheduleStore,
  PostgresScheduleStore,
  SqliteScheduleStore,
} from "@messenger-ts/scheduler";
import { MysqlDomainStore } from "../store/mysql-domain-store.js";
import { PostgresDomainStore } from "../store/postgres-domain-store.js";
import type { SqliteDomainStore } from "../store/sqlite-domain-store.js";

/** The schedule's lock and checkpoint, in the application's database (its tables are the scheduler's own). */
export function databaseScheduleStore(
  store: SqliteDomainStore | PostgresDomainStore | MysqlDomainStore,
  clock: Clock,
): LockStore & CheckpointStore {
  if (store instanceof MysqlDomainStore) return new MysqlScheduleStore(store.pool);
  return store instanceof PostgresDomainStore
    ? new PostgresScheduleStore(store.pool, { schema: store.schema })
    : new SqliteScheduleStore(store.database, { clock });
}
