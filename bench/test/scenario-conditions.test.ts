import { describe, expect, it } from "vitest";
import type { Measurement, QueueScenario, Row } from "../src/queue-scenario.js";
import { getBacklogSize, setBacklogSize } from "../src/scenarios/backlog.js";
import { formatSideBySide, runSideBySide } from "../src/side-by-side.js";
import type { Backend, System } from "../src/systems/system.js";

// Made-up systems and figures, as in side-by-side.test.ts: what is tested is how the runner treats
// a floor on the figure itself and a scenario that applies to some systems only.

function fakeSystem(name: string, backend: Backend, peer: boolean): System {
  return {
    name,
    backend,
    peer,
    settings: `${name} settings`,
    probe: async () => undefined,
    clean: async () => {},
    openProducer: () => Promise.reject(new Error("not used")),
    openConsumer: () => Promise.reject(new Error("not used")),
  };
}

const rows: readonly Row[] = [
  { label: "share of ideal", metric: "ideal", digits: 1, target: { atLeast: 90, unit: "%" } },
  {
    label: "backlog ratio",
    metric: "backlog",
    digits: 2,
    target: { atLeast: 0.8, unit: "x", everyBackend: true },
  },
];

const figures: Readonly<Record<string, { ideal: number[]; backlog: number[] }>> = {
  "graphile-worker": { ideal: [99, 99, 99], backlog: [1, 1, 1] },
  bullmq: { ideal: [99, 99, 99], backlog: [1, 1, 1] },
  "messenger-postgres": { ideal: [95, 80, 91], backlog: [0.9, 0.7, 0.85] },
  "messenger-redis": { ideal: [85, 86, 95], backlog: [0.5, 0.6, 0.9] },
  "messenger-sqlite": { ideal: [50, 50, 50], backlog: [0.79, 0.7, 0.6] },
  "messenger-amqp": { ideal: [99, 99, 99], backlog: [1, 1, 1] },
};

function scenario(appliesTo?: (system: System) => boolean): { scenario: QueueScenario; measured: string[] } {
  const measured: string[] = [];
  const rounds = new Map<string, number>();
  return {
    measured,
    scenario: {
      name: "fake",
      description: "fake",
      method: () => "fake",
      defaultN: 1,
      rows: () => rows,
      ...(appliesTo ? { appliesTo } : {}),
      async measure(system): Promise<Measurement> {
        measured.push(system.name);
        const round = rounds.get(system.name) ?? 0;
        rounds.set(system.name, round + 1);
        const own = figures[system.name]!;
        return { values: { ideal: own.ideal[round]!, backlog: own.backlog[round]! } };
      },
    },
  };
}

const systems = [
  fakeSystem("graphile-worker", "postgres", true),
  fakeSystem("bullmq", "redis", true),
  fakeSystem("messenger-postgres", "postgres", false),
  fakeSystem("messenger-redis", "redis", false),
  fakeSystem("messenger-sqlite", "sqlite", false),
  fakeSystem("messenger-amqp", "amqp", false),
];

const target = (result: Awaited<ReturnType<typeof runSideBySide>>, system: string, metric: string) =>
  result.targets.find((t) => t.system === system && t.metric === metric);

describe("side by side: a floor on the figure itself", () => {
  it("meets it when the median reaches it, on backends with peers", async () => {
    const { scenario: fake } = scenario();
    const result = await runSideBySide({ scenarios: [fake], systems, repetitions: 3, log: () => {} });
    expect(target(result, "messenger-postgres", "ideal")).toMatchObject({
      measured: "91.00 %",
      target: ">= 90 %",
      met: true,
    });
    expect(target(result, "messenger-redis", "ideal")).toMatchObject({ measured: "86.00 %", met: false });
    // a share of the ideal is judged where peers run only, like the ratios to the peers
    expect(target(result, "messenger-sqlite", "ideal")).toBeUndefined();
    expect(target(result, "graphile-worker", "ideal")).toBeUndefined();
  });

  it("judges a floor marked for every backend on backends without peers too", async () => {
    const { scenario: fake } = scenario();
    const result = await runSideBySide({ scenarios: [fake], systems, repetitions: 3, log: () => {} });
    expect(target(result, "messenger-sqlite", "backlog")).toMatchObject({
      measured: "0.70 x",
      target: ">= 0.8 x",
      met: false,
    });
    expect(target(result, "messenger-postgres", "backlog")).toMatchObject({ measured: "0.85 x", met: true });
    expect(target(result, "messenger-amqp", "backlog")?.met).toBe(true);
    expect(target(result, "bullmq", "backlog")).toBeUndefined();
  });
});

describe("side by side: a scenario that applies to some systems only", () => {
  it("does not measure the others, and shows them without a figure", async () => {
    const { scenario: fake, measured } = scenario((system) => system.backend !== "amqp");
    const result = await runSideBySide({ scenarios: [fake], systems, repetitions: 3, log: () => {} });
    expect(measured).not.toContain("messenger-amqp");
    expect(measured.filter((name) => name === "messenger-sqlite")).toHaveLength(3);
    expect(target(result, "messenger-amqp", "backlog")).toMatchObject({ measured: "not measured" });
    expect(formatSideBySide(result, [fake])).toMatch(/\| backlog ratio \|( [^|]+ \|){5} - \|/);
    expect(result.problems).toEqual([]);
  });
});

describe("backlog size", () => {
  it("takes an integer of at least the baseline queue and rejects anything else, naming it", () => {
    const before = getBacklogSize();
    try {
      setBacklogSize(50_000);
      expect(getBacklogSize()).toBe(50_000);
      expect(() => setBacklogSize(19_999)).toThrow(/integer >= 20000, got 19999/);
      expect(() => setBacklogSize(20_000.5)).toThrow(RangeError);
      expect(getBacklogSize()).toBe(50_000);
    } finally {
      setBacklogSize(before);
    }
  });
});
