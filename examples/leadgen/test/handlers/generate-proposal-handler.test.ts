import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GenerateProposalHandler, GenerateProposalMessage, PROPOSAL_VALIDITY_DAYS } from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, DAY, START, type UnitApp } from "../support/unit-app.js";

describe("GenerateProposalHandler", () => {
  let unit: UnitApp;
  let handler: GenerateProposalHandler;
  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(GenerateProposalHandler);
  });
  afterEach(async () => {
    await unit.close();
  });

  it("writes a proposal from the lead's latest analysis, sent through the normal queue", async () => {
    const { leads, users, analyses } = unit.fixtures;
    await unit.app.bus.dispatch(new GenerateProposalMessage(leads.pekarna, users.petr, "new_website"));
    expect(await unit.process("normal")).toBe(1);
    const proposal = (await unit.app.store.latestProposal(leads.pekarna))!;
    expect(proposal).toMatchObject({
      leadId: leads.pekarna,
      userId: users.petr,
      analysisId: analyses.pekarna,
      type: "new_website",
      title: "New website for Pekárna Novák",
      status: "draft",
      createdAt: START,
      expiresAt: START + PROPOSAL_VALIDITY_DAYS * DAY,
    });
    expect(await unit.app.store.findLead(leads.pekarna)).toMatchObject({ status: "proposal_ready" });
  });

  it("builds on the analysis's weakest points, worst first", async () => {
    const { leads, users } = unit.fixtures;
    const proposal = await handler.handle(new GenerateProposalMessage(leads.kavarna, users.jana, "redesign"));
    const analysis = (await unit.app.store.latestAnalysis(leads.kavarna))!;
    const worst = [...analysis.findings]
      .filter((f) => f.issue)
      .sort((a, b) => a.score - b.score || a.analyzer.localeCompare(b.analyzer))[0]!;
    expect(proposal.content).toContain(`1. ${worst.issue}`);
    expect(proposal.content).toContain("https://kavarna-u-mostu.cz/ (cafes).");
  });

  it("uses the analysis it is given", async () => {
    const { leads, users, analyses } = unit.fixtures;
    const proposal = await handler.handle(
      new GenerateProposalMessage(leads.autoservis, users.jana, "seo", analyses.autoservis!),
    );
    expect(proposal.analysisId).toBe(analyses.autoservis);
  });

  it("refuses an unknown proposal type as unrecoverable, listing the allowed ones", async () => {
    const { leads, users } = unit.fixtures;
    await expectUnrecoverable(
      handler.handle(new GenerateProposalMessage(leads.kavarna, users.jana, "logo")),
      "INVALID_PROPOSAL_TYPE",
      "allowed: redesign, new_website, eshop, seo",
    );
  });

  it("refuses a lead without an analysis, or someone else's analysis, as unrecoverable", async () => {
    const { leads, users, analyses } = unit.fixtures;
    await expectUnrecoverable(
      handler.handle(new GenerateProposalMessage(leads.ordinace, users.jana, "redesign")),
      "LEAD_NOT_ANALYZED",
    );
    await expectUnrecoverable(
      handler.handle(new GenerateProposalMessage(leads.kavarna, users.jana, "redesign", analyses.pekarna!)),
      "ANALYSIS_OF_ANOTHER_LEAD",
    );
    await expectUnrecoverable(
      handler.handle(new GenerateProposalMessage(leads.kavarna, users.jana, "redesign", 999)),
      "ANALYSIS_NOT_FOUND",
    );
  });

  it("refuses an unknown lead or user as unrecoverable", async () => {
    const { leads, users } = unit.fixtures;
    await expectUnrecoverable(
      handler.handle(new GenerateProposalMessage(999, users.jana, "seo")),
      "LEAD_NOT_FOUND",
    );
    await expectUnrecoverable(
      handler.handle(new GenerateProposalMessage(leads.kavarna, 999, "seo")),
      "USER_NOT_FOUND",
    );
  });

  it("fails retryably while the AI model is overloaded, storing nothing", async () => {
    await unit.app.services.outages.simulate("ai", 1);
    const { leads, users } = unit.fixtures;
    const before = (await unit.app.store.counts()).proposals;
    await expectTransient(
      handler.handle(new GenerateProposalMessage(leads.kavarna, users.jana, "seo")),
      "AI_UNAVAILABLE",
    );
    expect((await unit.app.store.counts()).proposals).toBe(before);
    await handler.handle(new GenerateProposalMessage(leads.kavarna, users.jana, "seo"));
    expect((await unit.app.store.counts()).proposals).toBe(before + 1);
  });
});
