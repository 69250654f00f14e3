import { expect } from "vitest";
import { ChildWorker } from "./child-worker.js";
import type { RecordedRun } from "./three-workers.js";

/**
 * A worker of a stateful every-second schedule is killed with SIGKILL right after its third run
 * was saved, stays down ~2.5 s, and a new process starts. The runs missed meanwhile are
 * replayed by the new process; no run is recorded twice, none is missing.
 */
export async function expectNoSkipNoRepeatAcrossKill(
  backend: "pg" | "sqlite",
  namespace: string,
  options: readonly string[],
  readRuns: () => Promise<RecordedRun[]>,
): Promise<void> {
  const first = new ChildWorker(backend, namespace, options);
  let second: ChildWorker | undefined;
  try {
    await first.waitFor(/^saved \d+ 0$/, 20_000, 3);
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const lastSaved = Number(
      first
        .matching(/^saved \d+ 0$/)
        .at(-1)!
        .split(" ")[1],
    );
    const killedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    second = new ChildWorker(backend, namespace, options);
    // It catches up, then goes on: wait for a run scheduled after it started.
    const startedAt = Date.now();
    await second.waitFor(/^ran (\d+)$/, 15_000);
    for (;;) {
      const latest = Number(
        second
          .matching(/^ran \d+$/)
          .at(-1)
          ?.split(" ")[1] ?? 0,
      );
      if (latest > startedAt + 1_000) break;
      await second.waitFor(/^ran \d+$/, 10_000, second.matching(/^ran \d+$/).length + 1);
    }
    second.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);

    const runs = await readRuns();
    const times = runs.map((r) => r.at).sort((a, b) => a - b);
    expect(new Set(times).size, "no run was recorded twice").toBe(times.length);
    expect(
      times.slice(1).filter((t, i) => t - times[i]! !== 1000),
      "no run was skipped",
    ).toEqual([]);
    const byFirst = runs.filter((r) => r.pid === first.pid).map((r) => r.at);
    const bySecond = runs.filter((r) => r.pid === second!.pid).map((r) => r.at);
    expect(Math.max(...byFirst)).toBe(lastSaved);
    // The new process replayed the runs due while no worker ran.
    const replayed = bySecond.filter((at) => at > lastSaved && at < startedAt);
    expect(replayed.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...bySecond)).toBe(lastSaved + 1000);
    console.info(
      `[${backend}] killed after ${new Date(lastSaved).toISOString()}, down ${((startedAt - killedAt) / 1000).toFixed(1)} s: ${replayed.length} runs replayed, ${times.length} runs, each once`,
    );
  } finally {
    first.kill("SIGKILL");
    second?.kill("SIGKILL");
  }
}
