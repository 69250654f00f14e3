import { expect } from "vitest";
import { ChildWorker } from "./child-worker.js";
import { sleep } from "./services.js";

export interface RecordedRun {
  readonly at: number;
  readonly pid: number;
}

/**
 * Three worker processes consume one every-second schedule, sharing a lock and a checkpoint in
 * the backend. After ~5 s the worker holding the schedule is stopped (SIGTERM: it releases the
 * lock); another one takes over. After ~11 s all stop. Then every run must have been recorded
 * exactly once, without gaps, and about once per elapsed second.
 */
export async function expectEachRunOnceAcrossThreeWorkers(
  backend: "pg" | "redis",
  namespace: string,
  readRuns: () => Promise<RecordedRun[]>,
): Promise<void> {
  const workers = [0, 1, 2].map(() => new ChildWorker(backend, namespace, ["lock", "stateful", "ttl=10000"]));
  try {
    await Promise.race(workers.map((w) => w.waitFor(/^ready$/, 20_000)));
    const started = Date.now();
    await Promise.all(workers.map((w) => w.waitFor(/^ready$/, 20_000)));
    await sleep(5_500 - (Date.now() - started));
    const holder = workers.find((w) => w.matching(/^ran /).length > 0);
    expect(holder, "one worker has been running the schedule").toBeDefined();
    holder!.kill("SIGTERM");
    expect((await holder!.exited).code).toBe(0);
    await sleep(11_000 - (Date.now() - started));
    const elapsed = (Date.now() - started) / 1000;
    for (const worker of workers) worker.kill("SIGTERM");
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);

    const runs = await readRuns();
    const times = runs.map((r) => r.at).sort((a, b) => a - b);
    const distinct = new Set(times);
    expect(distinct.size, "no run was emitted twice").toBe(times.length);
    const gaps = times.slice(1).filter((t, i) => t - times[i]! !== 1000);
    expect(gaps, "no run was skipped").toEqual([]);
    expect(times.length).toBeGreaterThanOrEqual(Math.floor(elapsed) - 2);
    expect(times.length).toBeLessThanOrEqual(Math.ceil(elapsed) + 1);
    // The schedule moved to another worker when its holder stopped.
    const handedOver = runs.filter((r) => r.pid !== holder!.pid);
    expect(handedOver.length).toBeGreaterThan(0);
    expect(Math.min(...handedOver.map((r) => r.at))).toBeGreaterThan(
      Math.max(...runs.filter((r) => r.pid === holder!.pid).map((r) => r.at)),
    );
    console.info(
      `[${backend}] ${times.length} runs in ${elapsed.toFixed(1)} s by ${new Set(runs.map((r) => r.pid)).size} workers, each once`,
    );
  } finally {
    for (const worker of workers) worker.kill("SIGKILL");
  }
}
