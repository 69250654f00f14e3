import {
  BULK_SIZE,
  jobs,
  jobsPerSecond,
  type Measurement,
  type QueueScenario,
  withProducer,
} from "../queue-scenario.js";
import type { Producer } from "../systems/system.js";
import { drain } from "./drain.js";

/** What the figures with a backlog are compared with: the queue of the `process` scenario. */
export const BASELINE_QUEUED = 20_000;
export const DEFAULT_BACKLOG = 1_000_000;
const CONCURRENCY = 20;
/** Bulk calls in flight while filling: the fill is not timed, only as fast as the system allows. */
const FILL_IN_FLIGHT = 4;
/** The target: with the backlog, at least this share of the figure with 20,000 queued. */
const TARGET_RATIO = 0.8;

let backlogSize = DEFAULT_BACKLOG;

/** The jobs already queued in the backlog measurement (`--backlog`); small in tests, 1,000,000 by default. */
export function setBacklogSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < BASELINE_QUEUED)
    throw new RangeError(`backlog size must be an integer >= ${BASELINE_QUEUED}, got ${size}`);
  backlogSize = size;
}

export const getBacklogSize = (): number => backlogSize;

/** Fills the store with `count` jobs through the system's bulk API, several calls in flight. */
async function fillFast(producer: Producer, count: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + BULK_SIZE);
      await producer.enqueueBulk(jobs(from, next - from));
    }
  };
  await Promise.all(Array.from({ length: FILL_IN_FLIGHT }, lane));
}

/** The one-by-one enqueue runs a fifth of the processed count (2,000 by default), as `enqueue` does. */
const sequentialCount = (n: number) => Math.max(1, Math.floor(n / 5));

const label = (count: number) => count.toLocaleString("en-US");

/**
 * Big backlogs: the same work with 20,000 jobs queued and with `backlogSize` (1,000,000) queued,
 * so a claim or an insert that slows down with the queue's length shows as a ratio below 1.
 */
export const backlog: QueueScenario = {
  name: "backlog",
  description: `Big backlogs: one-by-one enqueue and processing with ${label(BASELINE_QUEUED)} and with ${label(DEFAULT_BACKLOG)} (--backlog) jobs already queued.`,
  defaultN: 10_000,
  // A broker queue and an in-memory list have no claim query that a long queue could slow down.
  appliesTo: (system) => system.backend !== "amqp" && system.backend !== "memory",
  method: (n) =>
    `backlog: the store filled in bulk (calls of ${BULK_SIZE}, ${FILL_IN_FLIGHT} in flight, not timed; then PostgreSQL systems CHECKPOINT and VACUUM ANALYZE, not timed) with ${label(BASELINE_QUEUED)} and, separately, ${label(backlogSize)} jobs; ` +
    `then ${label(sequentialCount(n))} enqueued awaited one by one (timed), then one worker child process at concurrency ${CONCURRENCY} until ${label(n)} handler calls ` +
    `(jobs/s = jobs / (last call - first call)); ratio = figure with ${label(backlogSize)} queued / figure with ${label(BASELINE_QUEUED)}, in the same round`,
  rows: () => [
    {
      label: `enqueue one by one, ${label(BASELINE_QUEUED)} queued, jobs/s`,
      metric: "backlog.enqueue.base",
      better: "higher",
      digits: 0,
    },
    {
      label: `enqueue one by one, ${label(backlogSize)} queued, jobs/s`,
      metric: "backlog.enqueue.big",
      better: "higher",
      digits: 0,
    },
    {
      label: `↳ enqueue, ratio ${label(backlogSize)} / ${label(BASELINE_QUEUED)} queued`,
      metric: "backlog.enqueue.ratio",
      digits: 2,
      target: { atLeast: TARGET_RATIO, unit: "x", everyBackend: true },
    },
    {
      label: `process, concurrency ${CONCURRENCY}, ${label(BASELINE_QUEUED)} queued, jobs/s`,
      metric: "backlog.process.base",
      better: "higher",
      digits: 0,
    },
    {
      label: `process, concurrency ${CONCURRENCY}, ${label(backlogSize)} queued, jobs/s`,
      metric: "backlog.process.big",
      better: "higher",
      digits: 0,
    },
    {
      label: `↳ process, ratio ${label(backlogSize)} / ${label(BASELINE_QUEUED)} queued`,
      metric: "backlog.process.ratio",
      digits: 2,
      target: { atLeast: TARGET_RATIO, unit: "x", everyBackend: true },
    },
  ],
  async measure(system, { n, log }): Promise<Measurement> {
    if (n > BASELINE_QUEUED)
      throw new RangeError(
        `backlog: --n must be at most ${BASELINE_QUEUED} (the jobs queued in the smaller case), got ${n}`,
      );
    const values: Record<string, number> = {};
    const problems: string[] = [];
    const details: Record<string, unknown> = {};
    const sequential = sequentialCount(n);
    for (const [key, queued] of [
      ["base", BASELINE_QUEUED],
      ["big", backlogSize],
    ] as const) {
      await withProducer(system, async (producer) => {
        const filling = performance.now();
        await fillFast(producer, queued);
        const fillSeconds = (performance.now() - filling) / 1000;
        // A queue that has been long for a while, not one filled seconds ago: the store's writing
        // out of the fill (checkpoint, autovacuum) would otherwise run during the measurement.
        await system.settle?.();
        const start = performance.now();
        for (let id = queued; id < queued + sequential; id++) await producer.enqueue({ id });
        values[`backlog.enqueue.${key}`] = jobsPerSecond(sequential, performance.now() - start);
        const drained = await drain(system, { count: n, concurrency: CONCURRENCY, moreQueued: true });
        values[`backlog.process.${key}`] = drained.rate;
        problems.push(...drained.problems.map((p) => `${label(queued)} queued: ${p}`));
        details[key] = { queued, fillSeconds };
        log(
          `  ${label(queued)} queued (filled in ${fillSeconds.toFixed(1)} s): enqueue ${Math.round(values[`backlog.enqueue.${key}`]!)} jobs/s, ` +
            `process ${Math.round(drained.rate)} jobs/s`,
        );
      });
    }
    values["backlog.enqueue.ratio"] = values["backlog.enqueue.big"]! / values["backlog.enqueue.base"]!;
    values["backlog.process.ratio"] = values["backlog.process.big"]! / values["backlog.process.base"]!;
    return { values, problems, details };
  },
};
