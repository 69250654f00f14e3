import { sleep } from "../clock.js";
import {
  fill,
  type Measurement,
  type QueueScenario,
  storeDrained,
  timeLimitMs,
  withProducer,
} from "../queue-scenario.js";
import { serverCpuSeconds } from "../server-cpu.js";
import { WorkerHandle } from "../worker-handle.js";
import type { MemorySample } from "../workers/protocol.js";

const CONCURRENCY = 20;
/** How long the worker idles on the empty queue before its resting sample: start-up work settles. */
const REST_MS = 1_000;
const QUICK_REST_MS = 200;
/** Memory samples taken while the jobs are handled (every n / SAMPLES handler calls). */
const SAMPLES = 10;
const MB = 1024 * 1024;

/** CPU microseconds per handled message between two samples of the worker process. */
export function cpuPerMessage(rest: MemorySample, end: MemorySample, handled: number): number {
  if (handled <= 0) throw new Error(`CPU per message needs at least one handled message, got ${handled}.`);
  return (end.cpu - rest.cpu) / handled;
}

/** The highest RSS among the samples taken under load, in MB. */
export function peakRssMb(samples: readonly MemorySample[]): number {
  if (samples.length === 0) throw new Error("The peak RSS needs at least one sample.");
  return Math.max(...samples.map((sample) => sample.rss)) / MB;
}

/**
 * What a worker process costs per message: its CPU time (user + system, process.cpuUsage() in the
 * worker) from a resting sample to the moment the store reports every job completed, divided by
 * the jobs; and its RSS at rest and under load.
 */
export const cpu: QueueScenario = {
  name: "cpu",
  description:
    "CPU time per handled message in the worker process, and its RSS at rest and under load (concurrency 20).",
  defaultN: 10_000,
  quickN: 500,
  quickOnce: true,
  method: (n, quick) =>
    `cpu: one worker child process at concurrency ${CONCURRENCY} started on the empty queue and left idle ${(quick ? QUICK_REST_MS : REST_MS) / 1000} s, then sampled (RSS at rest, CPU time); ` +
    `${n.toLocaleString("en-US")} jobs enqueued in bulk while it runs; CPU µs per message = the worker's process.cpuUsage() (user + system) from that sample to a sample taken once the store reports all completed ` +
    `(messenger-ts: once the last ack resolved), divided by the jobs, so fetching, acknowledging and idle polling during the enqueue all count; ` +
    `server CPU µs per message = the backend's server processes' CPU time (user + system, their reaped children included, from /proc; a local server only) over the same span, divided by the jobs, the bulk enqueue's share included; ` +
    `RSS under load = the highest of the samples taken every ${SAMPLES}th of the jobs and at the end. A worker in the runner process (messenger-memory) also counts the enqueueing`,
  rows: () => [
    {
      label: "worker CPU per message, µs (user + system)",
      metric: "cpu.perMessage",
      better: "lower",
      digits: 1,
    },
    {
      label: "server CPU per message, µs (the backend's processes, bulk enqueue included)",
      metric: "cpu.server.perMessage",
      better: "lower",
      digits: 1,
    },
    {
      label: "worker + server CPU per message, µs",
      metric: "cpu.total.perMessage",
      better: "lower",
      digits: 1,
    },
    { label: "worker RSS at rest, MB", metric: "cpu.rss.rest", better: "lower", digits: 0 },
    { label: "worker RSS under load (peak), MB", metric: "cpu.rss.load", better: "lower", digits: 0 },
  ],
  async measure(system, { n, log, quick }): Promise<Measurement> {
    return withProducer(system, async (producer) => {
      const worker = await WorkerHandle.start(
        {
          system: system.name,
          concurrency: CONCURRENCY,
          reportEach: false,
          expect: n,
          sampleEvery: Math.max(1, Math.floor(n / SAMPLES)),
        },
        system.inProcess ?? false,
      );
      let rest: MemorySample | undefined;
      let end: MemorySample | undefined;
      let serverAtRest: number | undefined;
      let serverAtEnd: number | undefined;
      try {
        await sleep(quick ? QUICK_REST_MS : REST_MS);
        rest = (await worker.sample())?.memory;
        if (!rest) throw new Error("the worker did not answer the resting sample");
        serverAtRest = await serverCpuSeconds(system.backend);
        await fill(producer, n);
        const done = await worker.until((e) => e.type === "done" || e.type === "error", timeLimitMs(n));
        if (done?.type !== "done")
          throw new Error(
            done?.type === "error" ? done.message : `not done within ${timeLimitMs(n) / 1000} s`,
          );
        const stored = producer.pending
          ? await storeDrained(producer, timeLimitMs(n))
          : (await worker.until((e) => e.type === "acked" || e.type === "error", timeLimitMs(n)))?.type ===
            "acked";
        if (!stored) throw new Error("the store never reported all jobs completed");
        end = (await worker.sample())?.memory;
        serverAtEnd = await serverCpuSeconds(system.backend);
        if (!end) throw new Error("the worker did not answer the final sample");
      } finally {
        await worker.stop();
      }
      const underLoad = [...worker.events.flatMap((e) => (e.type === "memory" ? [e.memory] : [])), end];
      const values: Record<string, number> = {
        "cpu.perMessage": cpuPerMessage(rest, end, n),
        "cpu.rss.rest": rest.rss / MB,
        "cpu.rss.load": peakRssMb(underLoad),
      };
      const server =
        serverAtRest === undefined || serverAtEnd === undefined
          ? undefined
          : ((serverAtEnd - serverAtRest) * 1e6) / n;
      if (server !== undefined) {
        values["cpu.server.perMessage"] = server;
        values["cpu.total.perMessage"] = values["cpu.perMessage"]! + server;
      }
      log(
        `  ${values["cpu.perMessage"]!.toFixed(1)} µs CPU per message${server === undefined ? "" : ` (server ${server.toFixed(1)} µs)`}, RSS ${values["cpu.rss.rest"]!.toFixed(0)} MB at rest, ${values["cpu.rss.load"]!.toFixed(0)} MB under load`,
      );
      const problems: string[] = [];
      const stopped = worker.events.find((e) => e.type === "stopped");
      if (stopped?.type === "stopped" && stopped.handled !== n)
        problems.push(`${stopped.handled} handler calls for ${n} jobs`);
      return { values, problems, details: { rest, end, underLoad } };
    });
  },
};
