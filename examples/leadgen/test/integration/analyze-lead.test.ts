import { HandledStamp } from "@messenger-ts/core";
import { expect, it } from "vitest";
import { AnalyzeLeadMessage, LeadAnalyzer } from "../../src/index.js";
import { describeHandlerOnWorker, outageOf } from "../support/handler-suite.js";

describeHandlerOnWorker({
  handler: "AnalyzeLeadHandler",
  file: "analyze",
  transport: "normal",
  success: {
    message: (f) => new AnalyzeLeadMessage(f.leads.ordinace),
    verifyNotDone: async (pg) => {
      expect(await pg.app.store.latestAnalysis(pg.fixtures.leads.ordinace)).toBeUndefined();
    },
    verify: async (pg, handled) => {
      const analysis = (await pg.app.store.latestAnalysis(pg.fixtures.leads.ordinace))!;
      expect(analysis.score).toBe(LeadAnalyzer.evaluate("https://zubni-ordinace-mala.cz/").score);
      expect(handled.last(HandledStamp)!.result).toMatchObject({
        status: "analyzed",
        analysis: { id: analysis.id },
      });
      expect(await pg.app.store.findLead(pg.fixtures.leads.ordinace)).toMatchObject({ status: "analyzed" });
    },
  },
  transient: outageOf("website"),
  // The documented failure input: a website on the reserved .invalid domain.
  unrecoverable: {
    message: (f) => new AnalyzeLeadMessage(f.failingInputs.invalidWebsiteLeadId),
    code: "WEBSITE_UNREACHABLE",
  },
  more: (pg) => {
    it("analyses a redelivered message once: the copy finds the analysis and skips", async () => {
      const { leads } = pg().fixtures;
      await pg().app.bus.dispatch(new AnalyzeLeadMessage(leads.ordinace));
      await pg().app.bus.dispatch(new AnalyzeLeadMessage(leads.ordinace));
      const run = await pg().consume(["normal"], (c) => c.handled.length === 2);
      expect(run.handled.map((e) => (e.last(HandledStamp)!.result as { status: string }).status)).toEqual([
        "analyzed",
        "skipped",
      ]);
      expect((await pg().app.store.counts()).analyses).toBe(5);
    });

    it("reanalyses when asked, and respects the industry filter", async () => {
      const { leads } = pg().fixtures;
      await pg().app.bus.dispatch(new AnalyzeLeadMessage(leads.kavarna, true));
      await pg().app.bus.dispatch(new AnalyzeLeadMessage(leads.autoservis, true, "cafes"));
      const run = await pg().consume(["normal"], (c) => c.handled.length === 2);
      expect(
        run.handled.map((e) => (e.last(HandledStamp)!.result as { status: string }).status).sort(),
      ).toEqual(["analyzed", "skipped"]);
      expect((await pg().app.store.counts()).analyses).toBe(5);
    });
  },
});
