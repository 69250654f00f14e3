// The payload scenario's processing as CPU time per message, a figure that other work on the
// machine moves much less than jobs/s: for each system, N jobs with 10 KB bodies are enqueued in
// bulk, then one consumer in this process (concurrency 20) handles them; its CPU time is this
// process's process.cpuUsage() (user + system, GC threads included) from just before the consumer
// opens to its N-th handler call, divided by N. Systems alternate round by round (the first one
// moves to the end each round). Run from bench/:
// `node --expose-gc dist/scenarios/payload-cpu.js [--systems a,b] [--rounds 5] [--n 10000]`.

import "reflect-metadata";
import { parseArgs } from "node:util";
import { BULK_SIZE } from "../queue-scenario.js";
import { systemByName } from "../systems/index.js";
import type { Job } from "../systems/system.js";
import { PAYLOAD_BYTES } from "./payload.js";
import { payloadBody } from "./payload-body.js";

const { values } = parseArgs({
  options: {
    systems: { type: "string", default: "graphile-worker,messenger-postgres" },
    rounds: { type: "string", default: "5" },
    n: { type: "string", default: "10000" },
  },
});
const count = (name: string, text: string): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`--${name} needs an integer >= 1, got "${text}"`);
    process.exit(2);
  }
  return value;
};
const n = count("n", values.n);
const rounds = count("rounds", values.rounds);
const systems = values.systems.split(",").map((name) => systemByName(name));
const CONCURRENCY = 20;
const bodies = Array.from({ length: 256 }, (_, seed) => payloadBody(seed, PAYLOAD_BYTES));
const gc = (globalThis as { gc?: () => void }).gc;

async function cpuPerMessage(name: string): Promise<{ cpuUs: number; jobsPerSecond: number }> {
  const system = systemByName(name);
  await system.clean();
  const producer = await system.openProducer();
  try {
    for (let from = 0; from < n; from += BULK_SIZE) {
      const size = Math.min(BULK_SIZE, n - from);
      const jobs: Job[] = Array.from({ length: size }, (_, i) => ({
        id: from + i,
        body: bodies[(from + i) % 256]!,
      }));
      await producer.enqueueBulk(jobs);
    }
    // The enqueue's garbage is not the consumer's.
    gc?.();
    let handled = 0;
    let done = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const start = process.cpuUsage();
    const startedAt = performance.now();
    const consumer = await system.openConsumer({
      concurrency: CONCURRENCY,
      handle: () => {
        if (++handled === n) done();
      },
    });
    await finished;
    const used = process.cpuUsage(start);
    const wallMs = performance.now() - startedAt;
    await consumer.stop();
    return { cpuUs: (used.user + used.system) / n, jobsPerSecond: (n / wallMs) * 1000 };
  } finally {
    await producer.close();
    await system.clean();
  }
}

const cpu = new Map<string, number[]>(systems.map((system) => [system.name, []]));
for (let round = 0; round < rounds; round++) {
  const order = systems.map((_, i) => systems[(i + round) % systems.length]!.name);
  for (const name of order) {
    const { cpuUs, jobsPerSecond } = await cpuPerMessage(name);
    cpu.get(name)!.push(cpuUs);
    console.log(
      `round ${round + 1}/${rounds} ${name}: ${cpuUs.toFixed(1)} µs CPU per message, ${Math.round(jobsPerSecond)} jobs/s`,
    );
  }
}
const median = (list: readonly number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
for (const [name, list] of cpu) {
  console.log(
    `${name}: median ${median(list).toFixed(1)} µs CPU per message (${Math.min(...list).toFixed(1)}–${Math.max(...list).toFixed(1)}), ${PAYLOAD_BYTES}-character bodies, ${n} jobs, concurrency ${CONCURRENCY}`,
  );
}
