import {
  AsMessage,
  createMessenger,
  createWorker,
  defineHandler,
  JsonSerializer,
  type Logger,
  nullLogger,
  systemClock,
  type TransportFactoryContext,
  WorkerRunningEvent,
} from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
import pg from "pg";
import { type PostgresTransport, PostgresTransportFactory } from "../../src/index.js";

/** The test database, from the usual libpq variables (trust auth, as CI and the dev box run it). */
export const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

/** `postgres://user@host:port/db` plus a query built from `options`. */
export function dsn(options: Record<string, string | number | boolean> = {}): string {
  const query = new URLSearchParams(
    Object.entries(options).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}${query ? `?${query}` : ""}`;
}

/** Skips loudly locally, fails under CI=true, when PostgreSQL is down. */
export const pgUp = await requireService("PostgreSQL", { host: PG.host, port: PG.port });

/** One schema per test file and process: parallel files and parallel runs never meet. */
export function schemaFor(file: string): string {
  return `mt_${file}_${process.pid}`;
}

export function adminPool(): pg.Pool {
  return new pg.Pool({ ...PG, max: 3, application_name: "messenger-ts-tests" });
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

export function factoryContext(
  name = "async",
  connections: Record<string, string> = {},
  logger: Logger = nullLogger,
): TransportFactoryContext {
  return {
    name,
    serializer: new JsonSerializer(),
    clock: systemClock,
    logger,
    bus: () => {
      throw new Error("no bus in these tests");
    },
    connections,
  };
}

export function createTransport(
  options: Record<string, string | number | boolean>,
  context: TransportFactoryContext = factoryContext(),
): PostgresTransport {
  return new PostgresTransportFactory().createTransport(dsn(options), {}, context);
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

@AsMessage("pg_test.job")
export class Job {
  constructor(readonly n: number) {}
}

@AsMessage("pg_test.follow_up")
export class FollowUp {
  constructor(readonly n: number) {}
}

/** A worker started by {@link startIdleWorker}. */
export interface IdleWorker {
  readonly transport: PostgresTransport;
  /** When each Job's handler ran (`performance.now()`), by its `n`. */
  readonly handledAt: ReadonlyMap<number, number>;
  /** Stops the worker, waits for its run to end and closes its messenger. */
  stop(): Promise<void>;
}

/**
 * An in-process worker on one PostgreSQL transport ("async") with a 60 s idle sleep, whose handler
 * records when each Job ran; resolves once the worker has gone idle (throws if it does not within
 * 10 s). `beforeRun` gets the transport before the worker starts (to count its statements, say).
 */
export async function startIdleWorker(
  options: Record<string, string | number | boolean>,
  beforeRun?: (transport: PostgresTransport) => Promise<void> | void,
): Promise<IdleWorker> {
  const handledAt = new Map<number, number>();
  const messenger = createMessenger({
    transports: { async: dsn(options) },
    transportFactories: [new PostgresTransportFactory()],
    handlers: [
      defineHandler(Job, (job: Job) => void handledAt.set(job.n, performance.now()), { name: "record" }),
    ],
  });
  const worker = createWorker(messenger, { receivers: ["async"], sleep: 60_000 });
  let idle = 0;
  messenger.events.on(WorkerRunningEvent, (event) => {
    if (event.isWorkerIdle) idle++;
  });
  const transport = messenger.getTransport("async") as PostgresTransport;
  await beforeRun?.(transport);
  const done = worker.run();
  const stop = async () => {
    worker.stop();
    await done;
    await messenger.close();
  };
  if (!(await eventually(() => idle > 0, 10_000))) {
    await stop();
    throw new Error("the worker did not go idle within 10 s");
  }
  return { transport, handledAt, stop };
}
