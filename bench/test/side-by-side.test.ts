import { describe, expect, it } from "vitest";
import type { Measurement, QueueScenario, Row } from "../src/queue-scenario.js";
import { formatSideBySide, runSideBySide, type SideBySideResult } from "../src/side-by-side.js";
import type { Backend, System } from "../src/systems/system.js";

// Made-up systems and figures: what is tested is how the runner picks the system each figure is
// divided by and how it judges the targets, not any library.

type Figures = Readonly<Record<string, readonly number[]>>; // metric -> value per round

function fakeSystem(name: string, backend: Backend, peer: boolean, skipped?: string): System {
  return {
    name,
    backend,
    peer,
    settings: `${name} settings`,
    probe: async () => skipped,
    clean: async () => {},
    openProducer: () => Promise.reject(new Error("not used")),
    openConsumer: () => Promise.reject(new Error("not used")),
  };
}

const rows: readonly Row[] = [
  { label: "throughput", metric: "throughput", better: "higher", digits: 0, target: { ratio: 1 } },
  { label: "latency", metric: "latency", better: "lower", digits: 1, target: { ratio: 1 } },
  { label: "growth", metric: "growth", digits: 1, target: { atMost: 10, unit: "%" } },
];

/** A scenario that returns each system's figures of the round it is called in. */
function scenarioOf(figures: Readonly<Record<string, Figures>>): QueueScenario {
  const calls = new Map<string, number>();
  return {
    name: "fake",
    description: "fake",
    method: () => "fake",
    defaultN: 1,
    rows: () => rows,
    async measure(system): Promise<Measurement> {
      const round = calls.get(system.name) ?? 0;
      calls.set(system.name, round + 1);
      const values: Record<string, number> = {};
      for (const [metric, perRound] of Object.entries(figures[system.name] ?? {})) {
        values[metric] = perRound[round]!;
      }
      return { values };
    },
  };
}

async function run(systems: readonly System[], figures: Readonly<Record<string, Figures>>) {
  const scenario = scenarioOf(figures);
  const result = await runSideBySide({ scenarios: [scenario], systems, repetitions: 3, log: () => {} });
  return { result, text: formatSideBySide(result, [scenario]) };
}

const figureOf = (result: SideBySideResult, system: string, metric: string) =>
  result.figures.find((f) => f.system === system && f.metric === metric);

const targetOf = (result: SideBySideResult, system: string, metric: string) =>
  result.targets.find((t) => t.system === system && t.metric === metric);

const peerA = fakeSystem("graphile-worker", "postgres", true);
const peerB = fakeSystem("pg-boss", "postgres", true);
const ours = fakeSystem("messenger-postgres", "postgres", false);
const oursSqlite = fakeSystem("messenger-sqlite", "sqlite", false);

const figures = {
  // peer A has the best throughput, peer B the best latency
  "graphile-worker": { throughput: [100, 200, 100], latency: [4, 4, 4], growth: [30, 30, 30] },
  "pg-boss": { throughput: [50, 50, 50], latency: [2, 3, 2], growth: [0, 0, 0] },
  "messenger-postgres": { throughput: [150, 150, 120], latency: [3, 3, 3], growth: [2, 2, 2] },
  "messenger-sqlite": { throughput: [75, 300, 60], latency: [9, 9, 9], growth: [40, 40, 40] },
} as const;

describe("side by side: the system each figure is divided by", () => {
  it("divides each figure by the peer with the best median of that figure on the same backend", async () => {
    const { result } = await run([peerA, peerB, ours, oursSqlite], figures);

    // throughput: graphile-worker is best (median 100 > 50); per round 1.5, 0.75, 1.2
    expect(figureOf(result, "messenger-postgres", "throughput")?.ratio).toEqual({
      median: 1.2,
      min: 0.75,
      max: 1.5,
      against: "graphile-worker",
    });
    expect(figureOf(result, "graphile-worker", "throughput")?.bestPeer).toBe(true);
    expect(figureOf(result, "pg-boss", "throughput")?.ratio?.against).toBe("graphile-worker");

    // latency, lower is better: pg-boss is best (median 2 < 4); per round 1.5, 1, 1.5
    expect(figureOf(result, "messenger-postgres", "latency")?.ratio).toMatchObject({
      median: 1.5,
      min: 1,
      against: "pg-boss",
    });
    expect(figureOf(result, "pg-boss", "latency")?.bestPeer).toBe(true);
    expect(figureOf(result, "graphile-worker", "latency")?.bestPeer).toBeUndefined();
  });

  it("divides a backend without peers by messenger-postgres, and gives a row without a direction no ratio", async () => {
    const { result } = await run([peerA, peerB, ours, oursSqlite], figures);
    // per round 0.5, 2, 0.5
    expect(figureOf(result, "messenger-sqlite", "throughput")?.ratio).toEqual({
      median: 0.5,
      min: 0.5,
      max: 2,
      against: "messenger-postgres",
    });
    expect(figureOf(result, "messenger-postgres", "growth")?.ratio).toBeUndefined();
  });

  it("gives no ratio when every peer of the backend was skipped", async () => {
    const { result, text } = await run(
      [fakeSystem("graphile-worker", "postgres", true, "not installed"), ours],
      figures,
    );
    expect(figureOf(result, "messenger-postgres", "throughput")?.ratio).toBeUndefined();
    expect(targetOf(result, "messenger-postgres", "throughput")).toMatchObject({
      measured: "no peer measured",
    });
    expect(targetOf(result, "messenger-postgres", "throughput")?.met).toBeUndefined();
    expect(text).toContain("NOT JUDGED");
    expect(text).toContain("graphile-worker: SKIPPED: not installed");
  });
});

describe("side by side: targets", () => {
  it("judges messenger-ts on backends with peers: ratios against the best peer, ceilings on the figure", async () => {
    const { result, text } = await run([peerA, peerB, ours, oursSqlite], figures);

    expect(targetOf(result, "messenger-postgres", "throughput")).toMatchObject({
      measured: "1.20x graphile-worker",
      target: ">= 1.00x the best peer",
      met: true,
    });
    expect(targetOf(result, "messenger-postgres", "latency")).toMatchObject({
      measured: "1.50x pg-boss",
      target: "<= 1.00x the best peer",
      met: false,
    });
    expect(targetOf(result, "messenger-postgres", "growth")).toMatchObject({
      measured: "+2.0 %",
      target: "<= 10 %",
      met: true,
    });
    // peers are not judged, nor a backend without peers
    expect(result.targets.map((t) => t.system)).toEqual([
      "messenger-postgres",
      "messenger-postgres",
      "messenger-postgres",
    ]);

    expect(text).toContain(
      "- messenger-postgres, throughput: 1.20x graphile-worker (target >= 1.00x the best peer) MET",
    );
    expect(text).toContain(
      "- messenger-postgres, latency: 1.50x pg-boss (target <= 1.00x the best peer) MISSED",
    );
    expect(text).toMatch(/\| latency \(lower is better\) \| 2\.00x \(1\.33–2\.00\) \| 1 \(best peer\) \|/);
  });

  it("misses a ceiling that the figure exceeds", async () => {
    const growing = {
      ...figures,
      "messenger-postgres": { ...figures["messenger-postgres"], growth: [11, 12, 25] },
    };
    const { result } = await run([peerA, ours], growing);
    expect(targetOf(result, "messenger-postgres", "growth")).toMatchObject({
      measured: "+12.0 %",
      met: false,
    });
  });

  it("divides a peer's variant by the best peer but neither takes it as a peer nor judges it", async () => {
    const variant: System = { ...fakeSystem("graphile-worker-variant", "postgres", false), variant: true };
    const { result } = await run([peerA, variant, ours], {
      ...figures,
      // best throughput of all: a peer would become the one the others are divided by
      "graphile-worker-variant": { throughput: [400, 400, 400], latency: [1, 1, 1], growth: [0, 0, 0] },
    });
    expect(figureOf(result, "graphile-worker-variant", "throughput")?.ratio?.median).toBe(4);
    expect(figureOf(result, "messenger-postgres", "throughput")?.ratio?.against).toBe("graphile-worker");
    expect(result.targets.filter((t) => t.system === "graphile-worker-variant")).toEqual([]);
    expect(targetOf(result, "messenger-postgres", "throughput")).toBeDefined();
  });
});

describe("side by side: --quick", () => {
  it("measures a quickOnce scenario in the first round only and marks the result quick", async () => {
    const once = { ...scenarioOf(figures), name: "once", quickOnce: true };
    const every = scenarioOf(figures);
    const result = await runSideBySide({
      scenarios: [every, once],
      systems: [peerA, ours],
      repetitions: 3,
      log: () => {},
      quick: true,
    });
    const rounds = (scenario: string) =>
      result.measurements.filter((m) => m.scenario === scenario && m.system === "messenger-postgres").length;
    expect(rounds("fake")).toBe(3);
    expect(rounds("once")).toBe(1);
    expect(result.quick).toBe(true);
    expect(formatSideBySide(result, [every, once])).toContain("(QUICK: small sizes");
  });
});
