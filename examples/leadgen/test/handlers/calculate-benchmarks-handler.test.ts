import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CalculateBenchmarksHandler, CalculateBenchmarksMessage, percentile } from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, DAY, START, type UnitApp } from "../support/unit-app.js";

describe("CalculateBenchmarksHandler", () => {
  let unit: UnitApp;
  let handler: CalculateBenchmarksHandler;
  let scores: Record<string, number>;
  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(CalculateBenchmarksHandler);
    scores = {};
    for (const key of ["kavarna", "autoservis", "pekarna", "undeliverable"] as const) {
      const analysis = (await unit.app.store.findAnalysis(unit.fixtures.analyses[key]!))!;
      scores[analysis.industry!] = analysis.score;
    }
  });
  afterEach(async () => {
    await unit.close();
  });

  it("computes last week's benchmarks per industry and over all, sent through the low-priority queue", async () => {
    await unit.app.bus.dispatch(new CalculateBenchmarksMessage("week"));
    expect(await unit.process("low_priority")).toBe(1);
    const benchmarks = await unit.app.store.listBenchmarks("2023-W52");
    expect(benchmarks.map((b) => b.industry)).toEqual(["*", "bakeries", "cafes", "car_services", "retail"]);
    const all = Object.values(scores).sort((a, b) => a - b);
    expect(benchmarks[0]).toMatchObject({
      period: "week",
      periodStart: START - 7 * DAY,
      periodEnd: START,
      leadsAnalyzed: 4,
      averageScore: all.reduce((s, x) => s + x, 0) / 4,
      medianScore: (all[1]! + all[2]!) / 2,
      p90Score: percentile(all, 0.9),
      calculatedAt: START,
    });
    expect(benchmarks[2]).toMatchObject({ industry: "cafes", leadsAnalyzed: 1, averageScore: scores.cafes });
  });

  it("computes one industry when asked", async () => {
    const benchmarks = await handler.handle(new CalculateBenchmarksMessage("week", "cafes"));
    expect(benchmarks.map((b) => [b.industry, b.leadsAnalyzed])).toEqual([["cafes", 1]]);
  });

  it("replaces a period's benchmarks when calculated again", async () => {
    const first = await handler.handle(new CalculateBenchmarksMessage("week"));
    const again = await handler.handle(new CalculateBenchmarksMessage("week"));
    expect(again.map((b) => b.id)).toEqual(first.map((b) => b.id));
    expect((await unit.app.store.counts()).benchmarks).toBe(5);
  });

  it("records an empty period with no statistics", async () => {
    unit.clock.set(Date.UTC(2024, 4, 1)); // the fixtures' analyses are from December 2023
    const [all] = await handler.handle(new CalculateBenchmarksMessage("quarter"));
    expect(all).toMatchObject({
      industry: "*",
      periodKey: "2024-Q1",
      leadsAnalyzed: 0,
      averageScore: null,
      medianScore: null,
      p90Score: null,
    });
  });

  it("interpolates percentiles between ranks", () => {
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(percentile([10, 20, 30, 40], 0.9)).toBe(37);
    expect(percentile([], 0.5)).toBeNull();
  });

  it("refuses an unknown period as unrecoverable, listing the periods", async () => {
    await expectUnrecoverable(
      handler.handle(new CalculateBenchmarksMessage("year")),
      "INVALID_PERIOD",
      "allowed: week, month, quarter",
    );
  });

  it("fails retryably while the analytics database times out", async () => {
    await unit.app.services.outages.simulate("analytics", 1);
    await expectTransient(handler.handle(new CalculateBenchmarksMessage()), "ANALYTICS_UNAVAILABLE");
    expect((await unit.app.store.counts()).benchmarks).toBe(0);
  });
});
