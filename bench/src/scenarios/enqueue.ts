import {
  BULK_SIZE,
  jobs,
  jobsPerSecond,
  type Measurement,
  type QueueScenario,
  withProducer,
} from "../queue-scenario.js";
import type { Producer, System } from "../systems/system.js";

const IN_FLIGHT = 50;

/** `n` enqueue calls through `lanes` loops that each await their call before the next. */
async function enqueueLanes(producer: Producer, n: number, lanes: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await producer.enqueue({ id: next++ });
  };
  await Promise.all(Array.from({ length: Math.min(lanes, n) }, lane));
}

async function timed(
  system: System,
  n: number,
  work: (producer: Producer) => Promise<void>,
  problems: string[],
  label: string,
): Promise<number> {
  return withProducer(system, async (producer) => {
    const start = performance.now();
    await work(producer);
    const rate = jobsPerSecond(n, performance.now() - start);
    const stored = await producer.pending?.();
    if (stored !== undefined && stored !== n) problems.push(`${label}: ${stored} jobs stored, expected ${n}`);
    return rate;
  });
}

/** Enqueue throughput in the runner process: one by one, 50 in flight, and in bulk. */
export const enqueue: QueueScenario = {
  name: "enqueue",
  description: "Enqueue throughput: awaited one by one, 50 calls in flight, and bulk calls of 1000.",
  defaultN: 2_000,
  quickN: 100,
  method: (n) =>
    `enqueue: jobs/s = jobs / wall time of the enqueue loop in the runner process (${n.toLocaleString("en-US")} jobs one by one and 50 in flight, ` +
    `${(4 * n).toLocaleString("en-US")} in bulk calls of ${BULK_SIZE}); the store is emptied before and after each`,
  rows: () => [
    {
      label: "enqueue, sequential (awaited one by one), jobs/s",
      metric: "enqueue.sequential",
      better: "higher",
      digits: 0,
    },
    {
      label: `enqueue, ${IN_FLIGHT} in flight, jobs/s`,
      metric: "enqueue.concurrent",
      better: "higher",
      digits: 0,
    },
    {
      label: `enqueue, bulk (${BULK_SIZE} per call), jobs/s`,
      metric: "enqueue.bulk",
      better: "higher",
      digits: 0,
      target: { ratio: 1 },
    },
  ],
  async measure(system, { n }): Promise<Measurement> {
    const problems: string[] = [];
    const sequential = await timed(system, n, (p) => enqueueLanes(p, n, 1), problems, "sequential");
    const concurrent = await timed(system, n, (p) => enqueueLanes(p, n, IN_FLIGHT), problems, "in flight");
    const bulkN = 4 * n;
    const bulk = await timed(
      system,
      bulkN,
      async (p) => {
        for (let from = 0; from < bulkN; from += BULK_SIZE)
          await p.enqueueBulk(jobs(from, Math.min(BULK_SIZE, bulkN - from)));
      },
      problems,
      "bulk",
    );
    return {
      values: { "enqueue.sequential": sequential, "enqueue.concurrent": concurrent, "enqueue.bulk": bulk },
      problems,
    };
  },
};
