import { amqplib, amqplibExchange } from "./amqplib.js";
import { bullmq } from "./bullmq.js";
import { bullmqPg } from "./bullmq-pg.js";
import { graphileWorker } from "./graphile-worker.js";
import { messengerAmqp } from "./messenger-amqp.js";
import { messengerMemory } from "./messenger-memory.js";
import { messengerMysql } from "./messenger-mysql.js";
import { messengerPostgres, messengerPostgresPriority } from "./messenger-postgres.js";
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
  amqplib,
  amqplibExchange,
  messengerPostgres,
  messengerMysql,
  messengerPostgresPriority,
  messengerRedis,
  messengerAmqp,
  messengerSqlite,
  messengerMemory,
];

export function systemByName(name: string): System {
  const system = systems.find((s) => s.name === name);
  if (!system) throw new Error(`Unknown system "${name}"`);
  return system;
}

/** Whether any peer runs on `backend`, so that its figures are compared with the best of them. */
export const hasPeers = (backend: Backend): boolean =>
  systems.some((system) => system.peer && system.backend === backend);

/**
 * What the figures of a backend without any peer (MySQL, SQLite, memory) are divided by instead:
 * messenger-postgres, the transport an application would otherwise pick.
 */
export const NO_PEER_REFERENCE = "messenger-postgres";
