import {
  fill,
  jobsPerSecond,
  type Measurement,
  type QueueScenario,
  storeDrained,
  type Target,
  timeLimitMs,
  withProducer,
} from "../queue-scenario.js";
import type { Backend } from "../systems/system.js";
import { WorkerHandle } from "../worker-handle.js";

const CONCURRENCIES = [1, 20] as const;

/**
 * The processing targets where they differ from at least the best peer: PostgreSQL 1.5x
 * graphile-worker's at both concurrencies, Redis 2.5x BullMQ's at 20, RabbitMQ 0.9x plain amqplib's
 * (which does nothing but ack).
 */
function processTargets(concurrency: number): Partial<Record<Backend, Target>> {
  return {
    postgres: { ratio: 1.5 },
    amqp: { ratio: 0.9 },
    ...(concurrency === 20 ? { redis: { ratio: 2.5 } } : {}),
  };
}

/** Drains `n` pre-enqueued no-op jobs with one worker process, at concurrency 1 and 20. */
export const processJobs: QueueScenario = {
  name: "process",
  description:
    "Processing throughput: one worker process drains pre-enqueued no-op jobs, concurrency 1 and 20.",
  defaultN: 20_000,
  quickN: 500,
  method: (n) =>
    `process: ${n.toLocaleString("en-US")} jobs pre-enqueued in bulk, then one worker child process started; jobs/s = jobs / (last handler call - first handler call); ` +
    `"in the store": until the store reports none pending (polled every 5 ms; for messenger-ts: until the transport confirmed the last ack)`,
  rows: (n) =>
    CONCURRENCIES.flatMap((c) => [
      {
        label: `process ${n} no-op jobs, concurrency ${c}, jobs/s`,
        metric: `process.c${c}`,
        better: "higher" as const,
        digits: 0,
        target: { ratio: 1 },
        targetsByBackend: processTargets(c),
      },
      {
        label: `↳ same, until all ${n} are completed in the store, jobs/s`,
        metric: `process.c${c}.store`,
        better: "higher" as const,
        digits: 0,
        target: { ratio: 1 },
        targetsByBackend: processTargets(c),
      },
    ]),
  async measure(system, { n, log }): Promise<Measurement> {
    const values: Record<string, number> = {};
    const problems: string[] = [];
    const details: Record<string, unknown> = {};
    for (const concurrency of CONCURRENCIES) {
      await withProducer(system, async (producer) => {
        await fill(producer, n);
        const worker = await WorkerHandle.start(
          { system: system.name, concurrency, reportEach: false, expect: n, sampleEvery: 0 },
          system.inProcess ?? false,
        );
        try {
          const done = await worker.until((e) => e.type === "done" || e.type === "error", timeLimitMs(n));
          if (done?.type !== "done")
            throw new Error(
              done?.type === "error" ? done.message : `not done within ${timeLimitMs(n) / 1000} s`,
            );
          const stored = producer.pending
            ? await storeDrained(producer, timeLimitMs(n))
            : await worker
                .until((e) => e.type === "acked" || e.type === "error", timeLimitMs(n))
                .then((e) => (e?.type === "acked" ? e.at : undefined));
          values[`process.c${concurrency}`] = jobsPerSecond(n, done.last - done.first);
          if (stored === undefined)
            problems.push(`concurrency ${concurrency}: the store never reported all done`);
          else values[`process.c${concurrency}.store`] = jobsPerSecond(n, stored - done.first);
          details[`c${concurrency}`] = { first: done.first, last: done.last, stored };
          log(
            `  concurrency ${concurrency}: ${Math.round(values[`process.c${concurrency}`]!)} jobs/s (handler), ` +
              `${Math.round(values[`process.c${concurrency}.store`] ?? 0)} jobs/s (store)`,
          );
        } finally {
          await worker.stop();
        }
        const stopped = worker.events.find((e) => e.type === "stopped");
        if (stopped?.type === "stopped" && stopped.handled !== n)
          problems.push(`concurrency ${concurrency}: ${stopped.handled} handler calls for ${n} jobs`);
      });
    }
    return { values, problems, details };
  },
};
