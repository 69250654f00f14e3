import { describe, expect, it } from "vitest";
import type { Row } from "../src/queue-scenario.js";
import type { FigureRecord } from "../src/side-by-side.js";
import type { Backend, System } from "../src/systems/system.js";
import { judgeTargets } from "../src/targets.js";

function system(name: string, backend: Backend, peer: boolean): System {
  return {
    name,
    backend,
    peer,
    settings: name,
    probe: async () => undefined,
    clean: async () => {},
    openProducer: () => Promise.reject(new Error("not used")),
    openConsumer: () => Promise.reject(new Error("not used")),
  };
}

const available = [
  system("graphile-worker", "postgres", true),
  system("bullmq", "redis", true),
  system("messenger-postgres", "postgres", false),
  system("messenger-redis", "redis", false),
];

const ratio = (systemName: string, median: number, against: string): FigureRecord => ({
  scenario: "process",
  metric: "process.c20",
  label: "process",
  system: systemName,
  cell: "",
  ratio: { median, min: median, max: median, against },
});

describe("targets of their own on some backends", () => {
  it("judges each backend's system against its backend's target, the rest against the row's", () => {
    const row: Row = {
      label: "process",
      metric: "process.c20",
      better: "higher",
      digits: 0,
      target: { ratio: 1 },
      targetsByBackend: { postgres: { ratio: 1.5 } },
    };
    const judged = judgeTargets([row], available, [
      ratio("messenger-postgres", 1.3, "graphile-worker"),
      ratio("messenger-redis", 1.3, "bullmq"),
    ]);
    expect(judged).toEqual([
      expect.objectContaining({ system: "messenger-postgres", target: ">= 1.50x the best peer", met: false }),
      expect.objectContaining({ system: "messenger-redis", target: ">= 1.00x the best peer", met: true }),
    ]);
  });

  it("judges a row with a target on one backend only there", () => {
    const row: Row = {
      label: "latency p99",
      metric: "process.c20",
      better: "lower",
      digits: 1,
      targetsByBackend: { redis: { ratio: 1 } },
    };
    const judged = judgeTargets([row], available, [
      ratio("messenger-postgres", 1.3, "graphile-worker"),
      ratio("messenger-redis", 0.9, "bullmq"),
    ]);
    expect(judged).toEqual([
      expect.objectContaining({ system: "messenger-redis", target: "<= 1.00x the best peer", met: true }),
    ]);
  });
});
