import type { Clock } from "@messenger-ts/core";
import {
  type CheckpointStore,
  type LockStore,
  PostgresScheduleStore,
  SqliteScheduleStore,
} from "@messenger-ts/scheduler";
import { PostgresDomainStore } from "../store/postgres-domain-store.js";
import type { SqliteDomainStore } from "../store/sqlite-domain-store.js";

/** The schedule's lock and checkpoint, in the application's database (its tables are the scheduler's own). */
export function databaseScheduleStore(
  store: SqliteDomainStore | PostgresDomainStore,
  clock: Clock,
): LockStore & CheckpointStore {
  return store instanceof PostgresDomainStore
    ? new PostgresScheduleStore(store.pool, { schema: store.schema })
    : new SqliteScheduleStore(store.database, { clock });
}
