import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ANALYZERS,
  AnalyzeLeadHandler,
  AnalyzeLeadMessage,
  FIXTURE_LEADS,
  ISSUE_THRESHOLD,
  LeadAnalyzer,
  TakeScreenshotMessage,
} from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, START, type UnitApp } from "../support/unit-app.js";

describe("AnalyzeLeadHandler", () => {
  let unit: UnitApp;
  let handler: AnalyzeLeadHandler;
  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(AnalyzeLeadHandler);
  });
  afterEach(async () => {
    await unit.close();
  });

  it("analyses a lead sent through the normal queue: sixteen analysers, the score, the lead updated", async () => {
    const leadId = unit.fixtures.leads.ordinace;
    await unit.app.bus.dispatch(new AnalyzeLeadMessage(leadId));
    expect(await unit.process("normal")).toBe(1);
    const analysis = (await unit.app.store.latestAnalysis(leadId))!;
    expect(analysis.findings.map((f) => f.analyzer)).toEqual(Object.keys(ANALYZERS));
    expect(analysis.findings).toHaveLength(16);
    for (const finding of analysis.findings) {
      expect(finding.issue).toBe(
        finding.score < ISSUE_THRESHOLD ? ANALYZERS[finding.analyzer as keyof typeof ANALYZERS] : null,
      );
    }
    expect(analysis).toMatchObject({
      url: "https://zubni-ordinace-mala.cz/",
      industry: "healthcare",
      createdAt: START,
    });
    expect(await unit.app.store.findLead(leadId)).toMatchObject({
      status: "analyzed",
      score: analysis.score,
    });
  });

  it("sends the analysed page on to a screenshot (low_priority), which the screenshot handler takes", async () => {
    const leadId = unit.fixtures.leads.ordinace;
    await unit.app.bus.dispatch(new AnalyzeLeadMessage(leadId));
    expect(await unit.process("normal")).toBe(1);
    expect(unit.sent("low_priority")).toEqual([
      new TakeScreenshotMessage(leadId, "https://zubni-ordinace-mala.cz/"),
    ]);
    expect(await unit.process("low_priority")).toBe(1);
    expect((await unit.app.store.listScreenshots(leadId)).map((s) => s.url)).toEqual([
      "https://zubni-ordinace-mala.cz/",
    ]);
  });

  it("sends no screenshot for a skipped lead or a failed analysis", async () => {
    await handler.handle(new AnalyzeLeadMessage(unit.fixtures.leads.kavarna));
    await handler.handle(new AnalyzeLeadMessage(unit.fixtures.leads.ordinace, false, "cafes"));
    await expectUnrecoverable(
      handler.handle(new AnalyzeLeadMessage(unit.fixtures.failingInputs.invalidWebsiteLeadId)),
      "WEBSITE_UNREACHABLE",
    );
    expect(unit.sent("low_priority")).toEqual([]);
  });

  it("gives a website the same analysis every time (derived from its URL)", async () => {
    const leadId = unit.fixtures.leads.kavarna;
    const first = await handler.handle(new AnalyzeLeadMessage(leadId, true));
    const second = await handler.handle(new AnalyzeLeadMessage(leadId, true));
    expect(first.status).toBe("analyzed");
    expect(second.analysis!.id).not.toBe(first.analysis!.id);
    expect(second.analysis!.findings).toEqual(first.analysis!.findings);
    expect(first.analysis!.score).toBe(LeadAnalyzer.evaluate("https://kavarna-u-mostu.cz/").score);
    // HTTPS is checked for real, not hashed: a plain-http site scores 0 there.
    const http = LeadAnalyzer.evaluate("http://stavby-horak.cz/").findings.find(
      (f) => f.analyzer === "https",
    )!;
    expect(http).toEqual({ analyzer: "https", score: 0, issue: ANALYZERS.https });
  });

  it("skips a lead that already has an analysis, unless asked to reanalyse", async () => {
    const leadId = unit.fixtures.leads.kavarna;
    const skipped = await handler.handle(new AnalyzeLeadMessage(leadId));
    expect(skipped).toMatchObject({ status: "skipped", reason: "already_analyzed" });
    expect(skipped.analysis!.id).toBe(unit.fixtures.analyses.kavarna);
    expect((await unit.app.store.counts()).analyses).toBe(4);
    expect((await handler.handle(new AnalyzeLeadMessage(leadId, true))).status).toBe("analyzed");
    expect((await unit.app.store.counts()).analyses).toBe(5);
  });

  it("analyses only leads of the industry filter", async () => {
    const leadId = unit.fixtures.leads.ordinace;
    expect(await handler.handle(new AnalyzeLeadMessage(leadId, false, "cafes"))).toEqual({
      status: "skipped",
      reason: "industry_filter",
    });
    expect((await handler.handle(new AnalyzeLeadMessage(leadId, false, "healthcare"))).status).toBe(
      "analyzed",
    );
  });

  it("refuses a website on the reserved .invalid domain as unrecoverable, storing nothing", async () => {
    const leadId = unit.fixtures.failingInputs.invalidWebsiteLeadId;
    await expectUnrecoverable(
      handler.handle(new AnalyzeLeadMessage(leadId)),
      "WEBSITE_UNREACHABLE",
      "nefunkcni-web.invalid is on the reserved .invalid domain",
    );
    expect(await unit.app.store.latestAnalysis(leadId)).toBeUndefined();
    expect(await unit.app.store.findLead(leadId)).toMatchObject({ status: "new", score: null });
  });

  it("refuses an unknown lead and a lead without a website as unrecoverable", async () => {
    await expectUnrecoverable(handler.handle(new AnalyzeLeadMessage(999)), "LEAD_NOT_FOUND", "Lead 999");
    const lead = await unit.app.store.insertLead({ name: "Bez webu", source: "manual" }, START);
    await expectUnrecoverable(handler.handle(new AnalyzeLeadMessage(lead.id)), "LEAD_WITHOUT_WEBSITE");
  });

  it("fails retryably while the websites cannot be reached, then succeeds", async () => {
    await unit.app.services.outages.simulate("website", 1);
    const leadId = unit.fixtures.leads.ordinace;
    await expectTransient(handler.handle(new AnalyzeLeadMessage(leadId)), "WEBSITE_UNAVAILABLE");
    expect(await unit.app.store.latestAnalysis(leadId)).toBeUndefined();
    expect((await handler.handle(new AnalyzeLeadMessage(leadId))).status).toBe("analyzed");
  });

  it("takes the configured latency on the application's clock", async () => {
    await unit.close();
    unit = await createUnitApp({ latencyMs: 40 });
    handler = unit.resolve(AnalyzeLeadHandler);
    let done = false;
    const analysing = handler.handle(new AnalyzeLeadMessage(unit.fixtures.leads.ordinace)).then(() => {
      done = true;
    });
    while (unit.clock.pendingSleeps === 0) await new Promise((resolve) => setImmediate(resolve));
    await unit.clock.advance(39);
    expect(done).toBe(false);
    await unit.clock.advance(1);
    await analysing;
    expect(done).toBe(true);
    expect(unit.app.services.latency.of("analysis")).toBe(40);
  });

  it("covers every fixture lead's website deterministically", () => {
    for (const lead of FIXTURE_LEADS) {
      expect(LeadAnalyzer.evaluate(lead.website)).toEqual(LeadAnalyzer.evaluate(lead.website));
    }
  });
});
