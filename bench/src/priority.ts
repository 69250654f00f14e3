// Processing throughput of the PostgreSQL transport (or, with `--transport=redis`, the Redis one)
// with priorities in use against the same transport without, in pairs: each round drains one queue
// of jobs sent without a PriorityStamp and one of jobs sent at one of ten priorities (which goes
// first alternates), in this process, with the same worker settings. The figure is the median of
// the rounds' ratios, so load that comes and goes on the machine hits both sides of a pair alike.
// Run from bench/: `node dist/priority.js`.

import "reflect-metadata";
import {
  AsMessage,
  BusNameStamp,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  isBulkSender,
  PriorityStamp,
} from "@messenger-ts/core";
import { PostgresTransportFactory } from "@messenger-ts/transport-postgres";
import { RedisTransportFactory } from "@messenger-ts/transport-redis";
import { Redis } from "ioredis";
import pg from "pg";
import {
  databaseUrl,
  deleteRedisKeys,
  probePostgres,
  probeRedis,
  REDIS_URL,
  resetDatabase,
} from "./backends.js";
import { median } from "./median.js";

@AsMessage("bench.priority_job")
class PriorityJob {
  constructor(readonly id: number) {}
}

const DATABASE = "bench_messenger_priority";
/** The Redis side's keys: a stream per queue (and per priority level) under this prefix. */
const REDIS_PREFIX = "bench:priority:";
const USAGE =
  "Usage: node dist/priority.js [--transport=postgres|redis] [--n=<jobs>] [--rounds=<count>] [--concurrency=<count>] [--buffers] [--blocks]";
// Bad input stops the run with what is allowed, rather than running the default benchmark.
for (const arg of process.argv.slice(2)) {
  const sized = /^--(n|rounds|concurrency)=(.*)$/.exec(arg);
  if (sized && !/^[1-9][0-9]*$/.test(sized[2]!)) {
    console.error(`--${sized[1]} needs a positive integer, got "${sized[2]}".\n${USAGE}`);
    process.exit(2);
  }
  if (!sized && !arg.startsWith("--transport=") && arg !== "--buffers" && arg !== "--blocks") {
    console.error(`Unknown option "${arg}".\n${USAGE}`);
    process.exit(2);
  }
}
const transport = process.argv.find((a) => a.startsWith("--transport="))?.slice(12) ?? "postgres";
if (transport !== "postgres" && transport !== "redis") {
  console.error(`--transport must be postgres or redis, got ${transport}`);
  process.exit(1);
}
const redis = transport === "redis";
const label = redis ? "Redis" : "PostgreSQL";
const n = Number(process.argv.find((a) => a.startsWith("--n="))?.slice(4) ?? 10_000);
const rounds = Number(process.argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 7);
const concurrency = Number(process.argv.find((a) => a.startsWith("--concurrency="))?.slice(14) ?? 20);
const LEVELS = 10;
const buffersOnly = process.argv.includes("--buffers");
/**
 * `--blocks`: the jobs' priorities go in blocks (the first tenth of the ids at 0, the next at 1…)
 * instead of id modulo 10, so the rows of one priority are neighbours in the table.
 */
const blocks = process.argv.includes("--blocks");
const priorityOf = (id: number) => (blocks ? Math.floor((id * LEVELS) / n) : id % LEVELS);

/** The queue `name`: a table of the database, or a stream under the Redis prefix. */
function dsnOf(name: string): string {
  return redis
    ? `${REDIS_URL}/${name}?prefix=${REDIS_PREFIX}`
    : `${databaseUrl(DATABASE)}?table_name=${name}`;
}

/**
 * The Redis server's CPU time so far (user + system, µs, `INFO cpu`): what it spent serving every
 * client, so a figure of it means something only on a server the run has to itself.
 */
async function redisCpu(): Promise<number> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const info = await client.info("cpu");
    const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)![1]);
    return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1e6;
  } finally {
    client.disconnect();
  }
}

/** Redis CPU µs per message of each drain (Redis only), in the order of the rounds. */
const cpuPerMessage = { plain: [] as number[], prioritized: [] as number[] };

/** Jobs per second draining `n` jobs sent in bulk beforehand (handler calls, first to last). */
async function drain(table: string, prioritized: boolean): Promise<number> {
  let handled = 0;
  let first = 0;
  let last = 0;
  const messenger = createMessenger({
    transports: { bench: dsnOf(table) },
    transportFactories: [redis ? new RedisTransportFactory() : new PostgresTransportFactory()],
    routing: [[PriorityJob, "bench"]],
    handlers: [
      defineHandler(PriorityJob, function countJob() {
        if (handled++ === 0) first = performance.now();
        last = performance.now();
      }),
    ],
  });
  try {
    await messenger.setup();
    const bench = messenger.getTransport("bench");
    if (!isBulkSender(bench)) throw new Error(`the ${label} transport has no sendMany`);
    const bus = new BusNameStamp(messenger.defaultBusName);
    const priorities = Array.from({ length: LEVELS }, (_, p) => new PriorityStamp(p));
    for (let from = 0; from < n; from += 1_000) {
      const ids = Array.from({ length: Math.min(1_000, n - from) }, (_, i) => from + i);
      await bench.sendMany(
        ids.map((id) =>
          Envelope.wrap(new PriorityJob(id), prioritized ? [bus, priorities[priorityOf(id)]!] : [bus]),
        ),
      );
    }
    const cpuBefore = redis ? await redisCpu() : 0;
    await createWorker(messenger, { receivers: ["bench"], concurrency, limit: n, sleep: 50 }).run();
    if (redis) {
      cpuPerMessage[prioritized ? "prioritized" : "plain"].push(((await redisCpu()) - cpuBefore) / n);
    }
    if (handled !== n) throw new Error(`${handled} handler calls for ${n} jobs`);
    return ((n - 1) * 1_000) / (last - first);
  } finally {
    await messenger.close();
  }
}

/**
 * Shared buffers (hit, read, dirtied) that the claim statement and the delete of what it claimed
 * touch per message, draining the table 100 at a time: a count of pages, the same on a busy
 * machine as on a quiet one. The statements are the claim function's and the ack's (a delete by
 * id), run under EXPLAIN (ANALYZE, BUFFERS) with the function's planner settings.
 */
async function buffersPerMessage(table: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl(DATABASE) });
  await client.connect();
  try {
    await client.query("SET enable_seqscan = off");
    await client.query("SET enable_bitmapscan = off");
    const t = `public."${table}"`;
    const blocks = (plan: { Plan: Record<string, number> }) =>
      plan.Plan["Shared Hit Blocks"]! +
      plan.Plan["Shared Read Blocks"]! +
      plan.Plan["Shared Dirtied Blocks"]!;
    let total = 0;
    let messages = 0;
    for (;;) {
      const claim = await client.query(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
         WITH picked AS MATERIALIZED (
           SELECT m.ctid AS row_ctid FROM ${t} AS m WHERE m.queue_name = 'default' AND m.available_at <= now()
             AND (m.delivered_at IS NULL OR m.delivered_at < now() - make_interval(secs => 30))
           ORDER BY m.priority DESC, m.available_at, m.id LIMIT 100 FOR UPDATE SKIP LOCKED)
         UPDATE ${t} AS m SET delivered_at = now(), delivery_count = m.delivery_count + 1
         FROM picked WHERE m.ctid = picked.row_ctid`,
      );
      const plan = (claim.rows[0] as { "QUERY PLAN": { Plan: Record<string, number> }[] })["QUERY PLAN"][0]!;
      total += blocks(plan);
      // ModifyTable reports no rows without RETURNING: count the claimed ones outside the figures.
      const ids = (await client.query(`SELECT id FROM ${t} WHERE delivered_at IS NOT NULL`)).rows.map(
        (row: { id: string }) => row.id,
      );
      const claimed = ids.length;
      if (claimed === 0) break;
      messages += claimed;
      const ack = await client.query(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) DELETE FROM ${t} WHERE id = ANY($1::bigint[])`,
        [ids],
      );
      total += blocks(
        (ack.rows[0] as { "QUERY PLAN": { Plan: Record<string, number> }[] })["QUERY PLAN"][0]!,
      );
    }
    return total / messages;
  } finally {
    await client.end();
  }
}

/** Fills a table as drain() does, without draining it. */
async function fill(table: string, prioritized: boolean): Promise<void> {
  const messenger = createMessenger({
    transports: { bench: `${databaseUrl(DATABASE)}?table_name=${table}` },
    transportFactories: [new PostgresTransportFactory()],
    routing: [[PriorityJob, "bench"]],
  });
  try {
    await messenger.setup();
    const bench = messenger.getTransport("bench");
    if (!isBulkSender(bench)) throw new Error("the PostgreSQL transport has no sendMany");
    const bus = new BusNameStamp(messenger.defaultBusName);
    for (let from = 0; from < n; from += 1_000) {
      const ids = Array.from({ length: Math.min(1_000, n - from) }, (_, i) => from + i);
      await bench.sendMany(
        ids.map((id) =>
          Envelope.wrap(new PriorityJob(id), prioritized ? [bus, new PriorityStamp(priorityOf(id))] : [bus]),
        ),
      );
    }
  } finally {
    await messenger.close();
  }
}

const problem = redis ? await probeRedis() : await probePostgres();
if (problem) {
  console.error(`${label} is not available: ${problem}`);
  process.exit(1);
}
/** Empties what the runs store: the database, or the keys under the Redis prefix. */
const reset = () => (redis ? deleteRedisKeys(REDIS_PREFIX) : resetDatabase(DATABASE));
await reset();
if (buffersOnly) {
  if (redis) {
    console.error("--buffers counts PostgreSQL's shared buffers: it has no Redis form");
    process.exit(1);
  }
  await fill("buffers_n", false);
  await fill("buffers_p", true);
  const plainBlocks = await buffersPerMessage("buffers_n");
  const prioritizedBlocks = await buffersPerMessage("buffers_p");
  console.log(
    `PostgreSQL, ${n} jobs claimed 100 at a time and deleted, shared buffers per message (priorities ${blocks ? "in blocks" : "id modulo 10"}):`,
  );
  console.log(`  without priorities: ${plainBlocks.toFixed(2)}`);
  console.log(
    `  ten priorities:     ${prioritizedBlocks.toFixed(2)} (${(prioritizedBlocks / plainBlocks).toFixed(2)}x)`,
  );
  await resetDatabase(DATABASE);
  process.exit(0);
}
const plain: number[] = [];
const prioritized: number[] = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [false, true] : [true, false];
  for (const withPriority of order) {
    const rate = await drain(`r${round}_${withPriority ? "p" : "n"}`, withPriority);
    (withPriority ? prioritized : plain).push(rate);
    console.error(
      `round ${round + 1}/${rounds}: ${withPriority ? "priorities" : "none"} ${Math.round(rate)} jobs/s`,
    );
  }
}
const ratios = plain.map((rate, i) => prioritized[i]! / rate);
console.log(
  `${label}, ${n} jobs, concurrency ${concurrency}, ${rounds} rounds, priorities ${blocks ? "in blocks" : "id modulo 10"} (median, min–max):`,
);
console.log(
  `  without priorities: ${Math.round(median(plain))} jobs/s (${Math.round(Math.min(...plain))}–${Math.round(Math.max(...plain))})`,
);
console.log(
  `  ten priorities:     ${Math.round(median(prioritized))} jobs/s (${Math.round(Math.min(...prioritized))}–${Math.round(Math.max(...prioritized))})`,
);
console.log(
  `  ratio per round:    ${ratios.map((r) => r.toFixed(2)).join(" ")}; median ${median(ratios).toFixed(2)}`,
);
if (redis) {
  // Load on the machine stretches time, not the work the server does: a steadier figure.
  const { plain: cpuPlain, prioritized: cpuPrioritized } = cpuPerMessage;
  const cpuRatios = cpuPlain.map((cpu, i) => cpuPrioritized[i]! / cpu);
  console.log(
    `  Redis CPU µs per message (medians; every client of the server counts): without ${median(cpuPlain).toFixed(1)}, with ${median(cpuPrioritized).toFixed(1)}; ratio per round ${cpuRatios.map((r) => r.toFixed(2)).join(" ")}; median ${median(cpuRatios).toFixed(2)}`,
  );
}
await reset();
