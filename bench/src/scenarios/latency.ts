import { sleep, wallNow } from "../clock.js";
import type { Measurement, QueueScenario } from "../queue-scenario.js";
import { withProducer } from "../queue-scenario.js";
import { percentile } from "../summarize.js";
import { WorkerHandle } from "../worker-handle.js";

const RATE_PER_SECOND = 100;
const IDLE_MS = 1_000;
/** With `--quick`: long enough for a worker to be polling, not for its pools to settle. */
const QUICK_IDLE_MS = 200;

/** Dispatch-to-handler latency of a steady trickle to an idle worker. */
export const latency: QueueScenario = {
  name: "latency",
  description:
    "Latency from just before the enqueue call to the handler's start, jobs at 100/s to an idle worker.",
  defaultN: 500,
  quickN: 20,
  method: (n, quick) =>
    `latency: worker child (concurrency 1) started and left idle ${(quick ? QUICK_IDLE_MS : IDLE_MS) / 1000} s; ${n} jobs enqueued at ${RATE_PER_SECOND}/s (not awaited one by one); ` +
    "latency = handler start - time just before the enqueue call, both wall clock (performance.timeOrigin + performance.now()); " +
    "percentiles (nearest rank) per run, then median (min-max) across runs",
  rows: (n) =>
    [50, 95, 99].map((p) => ({
      label: `latency p${p}, ms (${n} jobs @ ${RATE_PER_SECOND}/s)`,
      metric: `latency.p${p}`,
      better: "lower" as const,
      digits: 1,
      // p50 at most the best peer's everywhere; on PostgreSQL p95 and p99 too, on Redis p99.
      ...(p === 50 ? { target: { ratio: 1 } } : {}),
      ...(p === 95 ? { targetsByBackend: { postgres: { ratio: 1 } } } : {}),
      ...(p === 99 ? { targetsByBackend: { postgres: { ratio: 1 }, redis: { ratio: 1 } } } : {}),
    })),
  async measure(system, { n, quick }): Promise<Measurement> {
    return withProducer(system, async (producer) => {
      const worker = await WorkerHandle.start(
        { system: system.name, concurrency: 1, reportEach: true, expect: n, sampleEvery: 0 },
        system.inProcess ?? false,
      );
      const problems: string[] = [];
      try {
        await sleep(quick ? QUICK_IDLE_MS : IDLE_MS);
        const start = performance.now();
        const sends: Promise<void>[] = [];
        for (let id = 0; id < n; id++) {
          await sleep(start + (id * 1000) / RATE_PER_SECOND - performance.now());
          sends.push(producer.enqueue({ id, sentAt: wallNow() }));
        }
        await Promise.all(sends);
        const done = await worker.until((e) => e.type === "done" || e.type === "error", 30_000);
        if (done?.type !== "done")
          throw new Error(done?.type === "error" ? done.message : "not all jobs handled within 30 s");
      } finally {
        await worker.stop();
      }
      const latencies: number[] = [];
      const seen = new Set<number>();
      for (const event of worker.events) {
        if (event.type !== "handled" || event.sentAt === undefined) continue;
        if (seen.has(event.id)) problems.push(`job ${event.id} handled twice`);
        seen.add(event.id);
        latencies.push(event.at - event.sentAt);
      }
      if (seen.size !== n) problems.push(`${seen.size} of ${n} jobs handled`);
      return {
        values: {
          "latency.p50": percentile(latencies, 50),
          "latency.p95": percentile(latencies, 95),
          "latency.p99": percentile(latencies, 99),
        },
        details: { min: Math.min(...latencies), max: Math.max(...latencies) },
        problems,
      };
    });
  },
};
