import { sleep, wallNow } from "../clock.js";
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
 * Throughput of several workers told to start at `go` (wall-clock ms): all `total` jobs up to the
 * last handler call of any worker, per second. Undefined unless the workers handled exactly `total`.
 */
export function throughputFrom(go: number, end: readonly Sample[], total: number): number | undefined {
  const handled = end.reduce((sum, s) => sum + s.memory.handled, 0);
  const last = Math.max(...end.map((s) => s.last));
  if (handled !== total || last <= go) return undefined;
  return jobsPerSecond(total, last - go);
}

async function sampleAll(workers: readonly WorkerHandle[]): Promise<Sample[]> {
  const samples = await Promise.all(workers.map((worker) => worker.sample()));
  if (samples.some((s) => s === undefined)) throw new Error("a worker did not answer a sample");
  return samples as Sample[];
}

/** Starts `count` worker processes at once, loaded but not consuming until go(); if one fails to start, stops the others and throws. */
async function startWorkers(system: string, count: number): Promise<WorkerHandle[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, () =>
      WorkerHandle.start(
        { system, concurrency: CONCURRENCY, reportEach: false, expect: 0, sampleEvery: 0, waitForGo: true },
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
    `scale: for 1, 2, 3 and 4 worker child processes (concurrency ${CONCURRENCY} each) on one queue: ${n.toLocaleString("en-US")} jobs enqueued in bulk, the workers started and their libraries loaded, then all told to go at once; ` +
    `jobs/s = jobs / (the last handler call of any worker - the go), so the connect and first claims count, Node.js start-up does not; ` +
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
        await fill(producer, n);
        const workers = await startWorkers(system.name, k);
        try {
          const go = wallNow();
          await Promise.all(workers.map((worker) => worker.go()));
          const deadline = performance.now() + timeLimitMs(n);
          let end = await sampleAll(workers);
          while (end.reduce((sum, s) => sum + s.memory.handled, 0) < n) {
            const failed = workers.find((worker) => worker.error)?.error;
            if (failed) throw new Error(failed);
            if (performance.now() > deadline) throw new Error(`not done within ${timeLimitMs(n) / 1000} s`);
            await sleep(POLL_MS);
            end = await sampleAll(workers);
          }
          const rate = throughputFrom(go, end, n);
          if (rate === undefined)
            problems.push(`${k} processes: the handler calls do not add up to ${n} jobs`);
          else values[`scale.p${k}`] = rate;
          details[`p${k}`] = {
            go,
            last: Math.max(...end.map((s) => s.last)),
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
