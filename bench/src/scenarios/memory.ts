import { fill, type Measurement, type QueueScenario, timeLimitMs, withProducer } from "../queue-scenario.js";
import { summarize } from "../summarize.js";
import { WorkerHandle } from "../worker-handle.js";
import type { MemorySample } from "../workers/protocol.js";

const CONCURRENCY = 20;
const SAMPLES = 10;
const MB = 1024 * 1024;

const mb = (bytes: number) => bytes / MB;

/**
 * "Flat": RSS grows by at most this much (%) from the halfway sample to the last. The first half
 * is left out: pools, JIT code and the collector's heap sizing settle there, while a leak keeps
 * growing in the second half too.
 */
const FLAT_WITHIN_PERCENT = 10;

function growthCell(first: string, last: string) {
  return (measurements: readonly Measurement[]) => {
    const firsts = measurements.map((m) => m.values[first]).filter((v) => v !== undefined);
    const lasts = measurements.map((m) => m.values[last]).filter((v) => v !== undefined);
    if (firsts.length === 0 || lasts.length === 0) return "-";
    const a = summarize(firsts).median;
    const b = summarize(lasts).median;
    const change = ((b - a) / a) * 100;
    return `${a.toFixed(0)} → ${b.toFixed(0)} (${change >= 0 ? "+" : ""}${change.toFixed(0)}%)`;
  };
}

/** One worker's memory while it drains many messages: flat, or growing? */
export const memory: QueueScenario = {
  name: "memory",
  description: "A worker's RSS and heap used, sampled every tenth of the messages, over many messages.",
  defaultN: 100_000,
  quickN: 1_000,
  firstRoundOnly: true,
  method: (n) =>
    `memory: ${n.toLocaleString("en-US")} jobs pre-enqueued in bulk, one worker child process at concurrency ${CONCURRENCY}; ` +
    `process.memoryUsage() (RSS, heap used) in the handler every ${(n / SAMPLES).toLocaleString("en-US")} jobs; one run per system (first round only), ` +
    `shown as the first sample → the last; flat: RSS grows at most ${FLAT_WITHIN_PERCENT}% from the halfway sample to the last`,
  rows: (n) => [
    {
      label: `worker RSS, MB, after ${(n / SAMPLES).toLocaleString("en-US")} → ${n.toLocaleString("en-US")} jobs`,
      metric: "memory.rss.last",
      digits: 0,
      cell: growthCell("memory.rss.first", "memory.rss.last"),
    },
    {
      label: `worker heap used, MB, after ${(n / SAMPLES).toLocaleString("en-US")} → ${n.toLocaleString("en-US")} jobs`,
      metric: "memory.heap.last",
      digits: 0,
      cell: growthCell("memory.heap.first", "memory.heap.last"),
    },
    {
      label: `worker RSS growth, %, ${(n / 2).toLocaleString("en-US")} → ${n.toLocaleString("en-US")} jobs`,
      metric: "memory.rss.secondHalf",
      digits: 1,
      target: { atMost: FLAT_WITHIN_PERCENT, unit: "%" },
    },
  ],
  async measure(system, { n, log }): Promise<Measurement> {
    const sampleEvery = Math.max(1, Math.floor(n / SAMPLES));
    return withProducer(system, async (producer) => {
      await fill(producer, n);
      const worker = await WorkerHandle.start(
        { system: system.name, concurrency: CONCURRENCY, reportEach: false, expect: n, sampleEvery },
        system.inProcess ?? false,
      );
      try {
        const done = await worker.until((e) => e.type === "done" || e.type === "error", timeLimitMs(n));
        if (done?.type !== "done")
          throw new Error(
            done?.type === "error" ? done.message : `not done within ${timeLimitMs(n) / 1000} s`,
          );
      } finally {
        await worker.stop();
      }
      const samples: MemorySample[] = [];
      for (const event of worker.events) {
        if (event.type === "ready" || event.type === "memory") samples.push(event.memory);
      }
      const measured = samples.filter((sample) => sample.handled > 0);
      const first = measured[0]!;
      const last = measured[measured.length - 1]!;
      const half = measured.find((sample) => sample.handled >= n / 2) ?? last;
      log(
        `  RSS MB: ${samples.map((sample) => mb(sample.rss).toFixed(0)).join(" ")}; heap MB: ${samples.map((sample) => mb(sample.heapUsed).toFixed(0)).join(" ")}`,
      );
      return {
        values: {
          "memory.rss.first": mb(first.rss),
          "memory.rss.last": mb(last.rss),
          "memory.heap.first": mb(first.heapUsed),
          "memory.heap.last": mb(last.heapUsed),
          "memory.rss.secondHalf": ((last.rss - half.rss) / half.rss) * 100,
        },
        details: { samples },
      };
    });
  },
};
