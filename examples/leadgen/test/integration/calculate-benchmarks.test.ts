import { expect, it } from "vitest";
import { CalculateBenchmarksMessage, lastCompletePeriod } from "../../src/index.js";
import { describeHandlerOnWorker, outageOf } from "../support/handler-suite.js";

/** The fixtures' analyses are dated a week back: in the last complete week, whatever today is. */
const lastWeek = () => lastCompletePeriod("week", Date.now()).key;

describeHandlerOnWorker({
  handler: "CalculateBenchmarksHandler",
  file: "benchmarks",
  transport: "low_priority",
  success: {
    message: () => new CalculateBenchmarksMessage("week"),
    verifyNotDone: async (pg) => {
      expect(await pg.app.store.listBenchmarks()).toEqual([]);
    },
    verify: async (pg) => {
      const benchmarks = await pg.app.store.listBenchmarks(lastWeek());
      expect(benchmarks.map((b) => [b.industry, b.leadsAnalyzed])).toEqual([
        ["*", 4],
        ["bakeries", 1],
        ["cafes", 1],
        ["car_services", 1],
        ["retail", 1],
      ]);
    },
  },
  transient: outageOf("analytics"),
  unrecoverable: { message: () => new CalculateBenchmarksMessage("fortnight"), code: "INVALID_PERIOD" },
  more: (pg) => {
    it("replaces the week's benchmarks when the calculation runs twice", async () => {
      await pg().app.bus.dispatch(new CalculateBenchmarksMessage("week"));
      await pg().app.bus.dispatch(new CalculateBenchmarksMessage("week"));
      await pg().consume(["low_priority"], (c) => c.handled.length === 2);
      expect(await pg().app.store.listBenchmarks()).toHaveLength(5);
    });

    it("calculates one industry when the message names it", async () => {
      await pg().app.bus.dispatch(new CalculateBenchmarksMessage("week", "cafes"));
      await pg().consume(["low_priority"], (c) => c.handled.length === 1);
      expect((await pg().app.store.listBenchmarks()).map((b) => b.industry)).toEqual(["cafes"]);
    });
  },
});
