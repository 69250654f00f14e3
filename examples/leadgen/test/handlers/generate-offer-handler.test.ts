import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BASE_PRICES_CZK,
  GenerateOfferHandler,
  GenerateOfferMessage,
  ISSUE_FIX_PRICE_CZK,
  ISSUE_THRESHOLD,
  MAX_PRICED_ISSUES,
  OFFER_VALIDITY_DAYS,
} from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, DAY, START, type UnitApp } from "../support/unit-app.js";

describe("GenerateOfferHandler", () => {
  let unit: UnitApp;
  let handler: GenerateOfferHandler;
  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(GenerateOfferHandler);
  });
  afterEach(async () => {
    await unit.close();
  });

  const issuesOf = async (leadId: number) => {
    const analysis = (await unit.app.store.latestAnalysis(leadId))!;
    return Math.min(MAX_PRICED_ISSUES, analysis.findings.filter((f) => f.score < ISSUE_THRESHOLD).length);
  };

  it("prices the lead's latest proposal, sent through the normal queue", async () => {
    const { leads, users, proposals } = unit.fixtures;
    await unit.app.bus.dispatch(new GenerateOfferMessage(leads.kavarna, users.jana));
    expect(await unit.process("normal")).toBe(1);
    // The fixtures hold offers 1 to 3.
    const offer = (await unit.app.store.findOffer(4))!;
    const issues = await issuesOf(leads.kavarna);
    expect(offer).toMatchObject({
      leadId: leads.kavarna,
      proposalId: proposals.kavarna,
      status: "draft",
      createdAt: START,
      validUntil: START + OFFER_VALIDITY_DAYS * DAY,
      totalCzk: BASE_PRICES_CZK.redesign + issues * ISSUE_FIX_PRICE_CZK,
    });
    expect(offer.items).toHaveLength(1 + issues);
    expect(offer.items[0]).toEqual({
      description: "redesign for Kavárna U Mostu",
      priceCzk: BASE_PRICES_CZK.redesign,
    });
    expect(offer.coverLetter).toContain("This offer covers: redesign for Kavárna U Mostu");
    expect(await unit.app.store.findLead(leads.kavarna)).toMatchObject({ status: "offered" });
  });

  it("offers an audit to a lead without a proposal", async () => {
    const { leads, users } = unit.fixtures;
    const offer = await handler.handle(new GenerateOfferMessage(leads.ordinace, users.petr));
    expect(offer.proposalId).toBeNull();
    expect(offer.items).toEqual([
      { description: "Website audit for Zubní ordinace Malá", priceCzk: BASE_PRICES_CZK.audit },
    ]);
    expect(offer.totalCzk).toBe(15_000);
  });

  it("refuses a named proposal that expired or belongs to another lead as unrecoverable", async () => {
    const { leads, users, proposals } = unit.fixtures;
    await unit.app.services.proposalExpiry.expire();
    await expectUnrecoverable(
      handler.handle(new GenerateOfferMessage(leads.pekarna, users.jana, proposals.pekarnaOverdue)),
      "PROPOSAL_EXPIRED",
    );
    await expectUnrecoverable(
      handler.handle(new GenerateOfferMessage(leads.kavarna, users.jana, proposals.autoservis)),
      "PROPOSAL_OF_ANOTHER_LEAD",
    );
    await expectUnrecoverable(
      handler.handle(new GenerateOfferMessage(leads.kavarna, users.jana, 999)),
      "PROPOSAL_NOT_FOUND",
    );
  });

  it("falls back to an audit when the lead's latest proposal expired", async () => {
    const { leads, users } = unit.fixtures;
    await unit.app.services.proposalExpiry.expire();
    const offer = await handler.handle(new GenerateOfferMessage(leads.pekarna, users.jana));
    expect(offer.proposalId).toBeNull();
    expect(offer.items[0]!.priceCzk).toBe(BASE_PRICES_CZK.audit);
  });

  it("refuses an unknown lead or user as unrecoverable", async () => {
    await expectUnrecoverable(handler.handle(new GenerateOfferMessage(999, 1)), "LEAD_NOT_FOUND");
    await expectUnrecoverable(
      handler.handle(new GenerateOfferMessage(unit.fixtures.leads.kavarna, 999)),
      "USER_NOT_FOUND",
    );
  });

  it("fails retryably while the AI model is overloaded", async () => {
    await unit.app.services.outages.simulate("ai", 1);
    const { leads, users } = unit.fixtures;
    await expectTransient(
      handler.handle(new GenerateOfferMessage(leads.kavarna, users.jana)),
      "AI_UNAVAILABLE",
    );
    expect((await unit.app.store.counts()).offers).toBe(3);
    expect((await handler.handle(new GenerateOfferMessage(leads.kavarna, users.jana))).id).toBe(4);
  });
});
