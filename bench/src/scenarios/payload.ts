import {
  BULK_SIZE,
  jobsPerSecond,
  type Measurement,
  type QueueScenario,
  withProducer,
} from "../queue-scenario.js";
import type { Job } from "../systems/system.js";
import { drain } from "./drain.js";
import { payloadBody } from "./payload-body.js";

/** 10 KB of JSON text per job. */
export const PAYLOAD_BYTES = 10_240;
const CONCURRENCY = 20;
/** Distinct bodies, used in turn: enough that no store sees one body over and over. */
const DISTINCT_BODIES = 256;

let bodies: string[] | undefined;
function bodyOf(id: number): string {
  bodies ??= Array.from({ length: DISTINCT_BODIES }, (_, seed) => payloadBody(seed, PAYLOAD_BYTES));
  return bodies[id % DISTINCT_BODIES]!;
}

const withBodies = (from: number, count: number): Job[] =>
  Array.from({ length: count }, (_, i) => ({ id: from + i, body: bodyOf(from + i) }));

/** The one-by-one enqueue runs a fifth of the jobs: at 10 KB each it is the slow part. */
const sequentialCount = (n: number) => Math.max(1, Math.floor(n / 5));

/** Jobs that carry 10 KB bodies: enqueue (one by one, bulk) and processing at concurrency 20. */
export const payload: QueueScenario = {
  name: "payload",
  description: `Payload size: jobs with ${PAYLOAD_BYTES / 1024} KB bodies (JSON text), enqueued one by one and in bulk, processed at concurrency ${CONCURRENCY}.`,
  defaultN: 10_000,
  method: (n) =>
    `payload: every job carries a ${PAYLOAD_BYTES.toLocaleString("en-US")}-character JSON text (an order with line items; ${DISTINCT_BODIES} distinct bodies in turn); ` +
    `${sequentialCount(n).toLocaleString("en-US")} enqueued awaited one by one; ${n.toLocaleString("en-US")} enqueued in bulk calls of ${BULK_SIZE} (timed), then drained by one worker child process at concurrency ${CONCURRENCY}`,
  rows: (n) => [
    {
      label: `enqueue ${PAYLOAD_BYTES / 1024} KB jobs, sequential (awaited one by one), jobs/s`,
      metric: "payload.enqueue.sequential",
      better: "higher",
      digits: 0,
    },
    {
      label: `enqueue ${PAYLOAD_BYTES / 1024} KB jobs, bulk (${BULK_SIZE} per call), jobs/s`,
      metric: "payload.enqueue.bulk",
      better: "higher",
      digits: 0,
    },
    {
      label: `process ${n} jobs of ${PAYLOAD_BYTES / 1024} KB, concurrency ${CONCURRENCY}, jobs/s`,
      metric: "payload.process",
      better: "higher",
      digits: 0,
      target: { ratio: 1 },
    },
  ],
  async measure(system, { n, log }): Promise<Measurement> {
    const values: Record<string, number> = {};
    const problems: string[] = [];
    const sequential = sequentialCount(n);
    const toSend = withBodies(0, sequential);
    await withProducer(system, async (producer) => {
      const start = performance.now();
      for (const job of toSend) await producer.enqueue(job);
      values["payload.enqueue.sequential"] = jobsPerSecond(sequential, performance.now() - start);
    });
    await withProducer(system, async (producer) => {
      const batches = Array.from({ length: Math.ceil(n / BULK_SIZE) }, (_, b) =>
        withBodies(b * BULK_SIZE, Math.min(BULK_SIZE, n - b * BULK_SIZE)),
      );
      const start = performance.now();
      for (const batch of batches) await producer.enqueueBulk(batch);
      values["payload.enqueue.bulk"] = jobsPerSecond(n, performance.now() - start);
      const drained = await drain(system, { count: n, concurrency: CONCURRENCY });
      values["payload.process"] = drained.rate;
      problems.push(...drained.problems);
      // Every handler call must have seen its body: otherwise the figure is that of empty jobs.
      if (drained.withBody < n) problems.push(`${drained.withBody} of ${n} handler calls got a body`);
    });
    log(
      `  enqueue ${Math.round(values["payload.enqueue.sequential"]!)} jobs/s one by one, ${Math.round(values["payload.enqueue.bulk"]!)} in bulk; ` +
        `process ${Math.round(values["payload.process"]!)} jobs/s`,
    );
    return { values, problems };
  },
};
