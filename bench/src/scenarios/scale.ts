import { sleep } from "../clock.js";
import {
  fill,
  jobsPerSecond,
  type Measurement,
  type QueueScenario,
  timeLimitMs,
  withProducer,
} from "../queue-scenario.js";
import { WorkerHandle } from "../worker-handle.js";
import type { WorkerEvent } from "../workers/protocol.js";

/** Worker processes on the one queue, each at this concurrency. */
export const PROCESS_COUNTS = [1, 2, 3, 4] as const;
const CONCURRENCY = 20;
const POLL_MS = 20;

type Sample = Extract<WorkerEvent, { type: "sample" }>;

/**
 * Throughput of several workers from a common start: the jobs handled after `start` (all samples
 * taken then) up to the last handler call of any worker, per second. Undefined when nothing was
 * left to handle after the start.
 */
export function throughputAfter(start: readonly Sample[], end: readonly Sample[], total: number) {
  const t0 = Math.max(...start.map((s) => s.at));
  const before = start.reduce((sum, s) => sum + s.memory.handled, 0);
  const last = Math.max(...end.map((s) => s.last));
  const handled = end.reduce((sum, s) => sum + s.memory.handled, 0);
  if (handled !== total || total - before <= 0 || last <= t0) return undefined;
  return { jobsPerSecond: jobsPerSecond(total - before, last - t0), measuredJobs: total - before };
}

async function sampleAll(workers: readonly WorkerHandle[]): Promise<Sample[]> {
  const samples = await Promise.all(workers.map((worker) => worker.sample()));
  if (samples.some((s) => s === undefined)) throw new Error("a worker did not answer a sample");
  return samples as Sample[];
}

/** Starts `count` worker processes at once; if one fails to start, stops the others and throws. */
async function startWorkers(system: string, count: number): Promise<WorkerHandle[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, () =>
      WorkerHandle.start(
        { system, concurrency: CONCURRENCY, reportEach: false, expect: 0, sampleEvery: 0 },
        false,
      ),
    ),
  );
  const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await Promise.all(workers.map((worker) => worker.stop()));
    throw failed.reason;
  }
  return workers;
}

/** One to four worker processes on one queue: does throughput grow with the processes? */
export const scale: QueueScenario = {
  name: "scale",
  description: `Scaling out: 1 to 4 worker processes (concurrency ${CONCURRENCY} each) draining one queue.`,
  defaultN: 20_000,
  quickN: 500,
  quickOnce: true,
  method: (n) =>
    `scale: for 1, 2, 3 and 4 worker child processes (concurrency ${CONCURRENCY} each) on one queue: all started on the empty queue and ready, then ${n.toLocaleString("en-US")} jobs enqueued in bulk; ` +
    `jobs/s = the jobs handled after the enqueue ended / (the last handler call of any worker - the end of the enqueue), so neither start-up nor enqueueing is timed; ` +
    `the workers are sampled every ${POLL_MS} ms over IPC until all jobs are handled; systems whose worker runs in the runner process (messenger-memory) are not measured`,
  rows: () => [
    ...PROCESS_COUNTS.map((k) => ({
      label: `scale: ${k} worker process${k > 1 ? "es" : ""}, jobs/s`,
      metric: `scale.p${k}`,
      better: "higher" as const,
      digits: 0,
    })),
    {
      label: `↳ ${PROCESS_COUNTS.at(-1)} processes / 1 process`,
      metric: "scale.speedup",
      better: "higher" as const,
      digits: 2,
    },
  ],
  async measure(system, { n, log }): Promise<Measurement> {
    if (system.inProcess)
      return { values: {}, details: { skipped: "the worker runs in the runner process" } };
    const values: Record<string, number> = {};
    const problems: string[] = [];
    const details: Record<string, unknown> = {};
    for (const k of PROCESS_COUNTS) {
      await withProducer(system, async (producer) => {
        const workers = await startWorkers(system.name, k);
        try {
          await fill(producer, n);
          const start = await sampleAll(workers);
          const deadline = performance.now() + timeLimitMs(n);
          let end = start;
          while (end.reduce((sum, s) => sum + s.memory.handled, 0) < n) {
            const failed = workers.find((worker) => worker.error)?.error;
            if (failed) throw new Error(failed);
            if (performance.now() > deadline) throw new Error(`not done within ${timeLimitMs(n) / 1000} s`);
            await sleep(POLL_MS);
            end = await sampleAll(workers);
          }
          const result = throughputAfter(start, end, n);
          if (result === undefined)
            problems.push(`${k} processes: every job was handled while the enqueue still ran`);
          else values[`scale.p${k}`] = result.jobsPerSecond;
          details[`p${k}`] = {
            measuredJobs: result?.measuredJobs,
            perProcess: end.map((s) => s.memory.handled),
          };
          log(
            `  ${k} process${k > 1 ? "es" : ""}: ${Math.round(values[`scale.p${k}`] ?? 0)} jobs/s (${end.map((s) => s.memory.handled).join(" + ")} jobs)`,
          );
        } finally {
          await Promise.all(workers.map((worker) => worker.stop()));
        }
        const calls = workers.reduce((sum, worker) => {
          const stopped = worker.events.find((e) => e.type === "stopped");
          return sum + (stopped?.type === "stopped" ? stopped.handled : 0);
        }, 0);
        if (calls !== n) problems.push(`${k} processes: ${calls} handler calls for ${n} jobs`);
      });
    }
    const first = values["scale.p1"];
    const lastCount = values[`scale.p${PROCESS_COUNTS.at(-1)}`];
    if (first !== undefined && lastCount !== undefined) values["scale.speedup"] = lastCount / first;
    return { values, problems, details };
  },
};
