import { describe, expect, it } from "vitest";
import { quickSize } from "../src/queue-scenario.js";
import { cpuPerMessage, peakRssMb } from "../src/scenarios/cpu.js";
import { throughputFrom } from "../src/scenarios/scale.js";
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

describe("scale: throughput of several workers told to go at one instant", () => {
  it("divides all jobs by the time from the go to the last call of any worker", () => {
    const end = [answer(1_600, 520, 1_500), answer(1_600, 480, 1_430)];
    expect(throughputFrom(1_000, end, 1_000)).toBe(2_000);
  });

  it("has no figure when the handler calls do not add up to the jobs", () => {
    expect(throughputFrom(1_000, [answer(2_000, 999, 1_900)], 1_000)).toBeUndefined();
    expect(
      throughputFrom(1_000, [answer(2_000, 600, 1_900), answer(2_000, 600, 1_800)], 1_000),
    ).toBeUndefined();
  });
});

describe("--quick sizes", () => {
  it("uses a scenario's own quick size, else a tenth of its default", () => {
    expect(quickSize({ defaultN: 20_000, quickN: 500 })).toBe(500);
    expect(quickSize({ defaultN: 20_000 })).toBe(2_000);
    expect(quickSize({ defaultN: 1 })).toBe(1);
  });
});
