import { describe, expect, it } from "vitest";
import { quickSize } from "../src/queue-scenario.js";
import { cpuPerMessage, peakRssMb } from "../src/scenarios/cpu.js";
import { throughputAfter } from "../src/scenarios/scale.js";
import type { MemorySample } from "../src/workers/protocol.js";

const MB = 1024 * 1024;
const sample = (handled: number, cpu: number, rss = 80 * MB): MemorySample => ({
  handled,
  rss,
  heapUsed: 10 * MB,
  cpu,
});

/** A worker's answer to "sample": taken at `at`, `handled` calls so far, the last at `last`. */
const answer = (at: number, handled: number, last: number) => ({
  type: "sample" as const,
  at,
  memory: sample(handled, 0),
  first: handled > 0 ? 1 : 0,
  last,
});

describe("cpu: CPU time and RSS per worker", () => {
  it("divides the CPU time between the resting and the final sample by the handled messages", () => {
    expect(cpuPerMessage(sample(0, 1_000_000), sample(5_000, 1_400_000), 5_000)).toBe(80);
    expect(() => cpuPerMessage(sample(0, 0), sample(0, 10), 0)).toThrow("got 0");
  });

  it("takes the highest RSS of the samples under load, in MB", () => {
    expect(peakRssMb([sample(1, 0, 90 * MB), sample(2, 0, 120 * MB), sample(3, 0, 100 * MB)])).toBe(120);
  });
});

describe("scale: throughput of several workers from a common start", () => {
  it("counts only the jobs handled after the start, up to the last call of any worker", () => {
    // at 1000 ms (the later of the two samples) 100 jobs were handled; the other 900 by 1450 ms
    const start = [answer(990, 60, 980), answer(1_000, 40, 995)];
    const end = [answer(1_500, 520, 1_450), answer(1_500, 480, 1_430)];
    expect(throughputAfter(start, end, 1_000)).toEqual({ jobsPerSecond: 2_000, measuredJobs: 900 });
  });

  it("has no figure when the jobs were all handled before the start, or some were not handled at all", () => {
    const done = [answer(1_000, 1_000, 900)];
    expect(throughputAfter(done, done, 1_000)).toBeUndefined();
    expect(throughputAfter([answer(1_000, 0, 0)], [answer(2_000, 999, 1_900)], 1_000)).toBeUndefined();
  });
});

describe("--quick sizes", () => {
  it("uses a scenario's own quick size, else a tenth of its default", () => {
    expect(quickSize({ defaultN: 20_000, quickN: 500 })).toBe(500);
    expect(quickSize({ defaultN: 20_000 })).toBe(2_000);
    expect(quickSize({ defaultN: 1 })).toBe(1);
  });
});
