import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { redactDsn } from "@messenger-ts/core/transport";

/** Retry delays in the demo: a hundredth of the seed's (1 s, 5 s, 30 s become 10, 50, 300 ms). */
export const DEMO_RETRY_DELAY_SCALE = 0.01;
/** Simulated latency base in the demo: an analysis takes 100 ms, an AI text 150 ms. */
export const DEMO_LATENCY_MS = 100;
/** The key prefix of the demo's Redis streams, unless MESSENGER_TRANSPORT_DSN gives one. */
export const DEMO_REDIS_PREFIX = "leadgen-demo:";
/** The PostgreSQL schema the demo works in, unless LEADGEN_DB_SCHEMA names another. */
export const DEMO_SCHEMA = "leadgen_demo";

/** Where the demo runs, and the environment every process of it (itself, bin/console) gets. */
export interface DemoEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** For the output: where the data and the queues are, and how to switch. */
  readonly database: string;
  readonly queues: string;
  /** True when the demo works in a database or on a Redis that was there before (so it empties its queues first). */
  readonly sharedBackend: boolean;
  /** The variables a reader sets to run bin/console on the demo's data afterwards. */
  readonly exports: readonly string[];
}

/**
 * With nothing set: a fresh temporary directory with the SQLite file (no server needed).
 * DATABASE_URL=postgres://… puts the data and the queues in PostgreSQL (schema leadgen_demo),
 * DATABASE_URL=mysql://…/db (or mariadb://) in that MySQL or MariaDB database (created when missing);
 * MESSENGER_TRANSPORT_DSN=redis://… puts the queues on Redis (prefix leadgen-demo: unless the DSN
 * has one); MESSENGER_TRANSPORT_DSN=amqp://… puts them on RabbitMQ (an exchange and a queue per
 * transport, named after the DSN's exchange). The retry delays and the latency
 * are set for the demo unless the caller set them.
 */
export function resolveDemoEnvironment(base: Readonly<Record<string, string | undefined>>): DemoEnvironment {
  const env: Record<string, string | undefined> = {
    ...base,
    LEADGEN_RETRY_DELAY_SCALE: base.LEADGEN_RETRY_DELAY_SCALE || String(DEMO_RETRY_DELAY_SCALE),
    LEADGEN_LATENCY_MS: base.LEADGEN_LATENCY_MS || String(DEMO_LATENCY_MS),
    // Plain output from the child processes: their lines are prefixed and interleaved.
    NO_COLOR: "1",
  };
  const exports: string[] = [];
  const databaseUrl = base.DATABASE_URL ?? "";
  const onPostgres = /^postgres(ql)?:\/\//i.test(databaseUrl);
  let database: string;
  if (onPostgres) {
    env.LEADGEN_DB_SCHEMA = base.LEADGEN_DB_SCHEMA || DEMO_SCHEMA;
    database = `PostgreSQL ${redactDsn(databaseUrl)}, schema ${env.LEADGEN_DB_SCHEMA}`;
    exports.push(
      `DATABASE_URL=${shellQuoted(redactDsn(databaseUrl))}`,
      `LEADGEN_DB_SCHEMA=${env.LEADGEN_DB_SCHEMA}`,
    );
  } else if (/^(mysql|mariadb):\/\//i.test(databaseUrl)) {
    database = `MySQL ${redactDsn(databaseUrl)}`;
    exports.push(`DATABASE_URL=${shellQuoted(redactDsn(databaseUrl))}`);
  } else if (databaseUrl !== "") {
    database = `SQLite ${databaseUrl}`;
    exports.push(`DATABASE_URL=${shellQuoted(databaseUrl)}`);
  } else {
    const directory = mkdtempSync(join(tmpdir(), "leadgen-demo-"));
    env.LEADGEN_SQLITE_PATH = join(directory, "leadgen.sqlite");
    database = `SQLite ${env.LEADGEN_SQLITE_PATH} (a fresh temporary directory)`;
    exports.push(`LEADGEN_SQLITE_PATH=${shellQuoted(env.LEADGEN_SQLITE_PATH)}`);
  }
  let transportDsn = base.MESSENGER_TRANSPORT_DSN ?? "";
  const onRedis = /^rediss?:\/\//i.test(transportDsn);
  if (onRedis && !/[?&]prefix=/.test(transportDsn)) {
    // The demo's streams under a prefix of their own, apart from whatever else uses that Redis.
    transportDsn = `${transportDsn}${transportDsn.includes("?") ? "&" : "?"}prefix=${DEMO_REDIS_PREFIX}`;
    env.MESSENGER_TRANSPORT_DSN = transportDsn;
  }
  if (transportDsn !== "") exports.push(`MESSENGER_TRANSPORT_DSN=${shellQuoted(redactDsn(transportDsn))}`);
  const onAmqp = /^amqps?:\/\//i.test(transportDsn);
  const queues = onRedis
    ? `Redis ${redactDsn(transportDsn)} (one stream per queue: high, normal, low, failed)`
    : onAmqp
      ? `RabbitMQ ${redactDsn(transportDsn)} (an exchange and a queue per transport: <exchange>.high, .normal, .low, .failed)`
      : transportDsn !== ""
        ? redactDsn(transportDsn)
        : "doctrine://default: the seed's Doctrine transport, a table in the same database (queues high, normal, low, failed)";
  return {
    env,
    database,
    queues,
    sharedBackend: onPostgres || onRedis || onAmqp || databaseUrl !== "",
    exports,
  };
}

/** A value as a shell word: quoted when it holds anything the shell would read (`?`, `&`, spaces…). */
function shellQuoted(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
