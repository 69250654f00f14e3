import { bullmq } from "./bullmq.js";
import { bullmqPg } from "./bullmq-pg.js";
import { graphileWorker } from "./graphile-worker.js";
import { messengerMemory } from "./messenger-memory.js";
import { messengerPostgres } from "./messenger-postgres.js";
import { messengerRedis } from "./messenger-redis.js";
import { messengerSqlite } from "./messenger-sqlite.js";
import { pgBoss } from "./pg-boss.js";
import type { Backend, System } from "./system.js";

/** Every system of the side-by-side scenarios, peers first, grouped by backend. */
export const systems: readonly System[] = [
  graphileWorker,
  pgBoss,
  bullmqPg,
  bullmq,
  messengerPostgres,
  messengerRedis,
  messengerSqlite,
  messengerMemory,
];

export function systemByName(name: string): System {
  const system = systems.find((s) => s.name === name);
  if (!system) throw new Error(`Unknown system "${name}"`);
  return system;
}

/**
 * The system each figure is divided by: the best peer on the same backend (graphile-worker on
 * PostgreSQL, BullMQ on Redis). SQLite and memory have no peer; they are compared with
 * messenger-postgres, the transport an application would otherwise pick.
 */
export const BASELINE: Readonly<Record<Backend, string>> = {
  postgres: "graphile-worker",
  redis: "bullmq",
  sqlite: "messenger-postgres",
  memory: "messenger-postgres",
};
