import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CERTIFICATE_LIFETIME_DAYS,
  CertificateChecker,
  CheckSslCertificatesHandler,
  CheckSslCertificatesMessage,
  CleanUpOldDataHandler,
  CleanUpOldDataMessage,
  ExpireProposalsHandler,
  ExpireProposalsMessage,
  TakeScreenshotMessage,
} from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, DAY, START, type UnitApp } from "../support/unit-app.js";

describe("the scheduled tasks' handlers", () => {
  let unit: UnitApp;
  beforeEach(async () => {
    unit = await createUnitApp();
  });
  afterEach(async () => {
    await unit.close();
  });

  describe("ExpireProposalsHandler", () => {
    it("expires the proposals past their date, once, through the low-priority queue", async () => {
      await unit.app.bus.dispatch(new ExpireProposalsMessage());
      expect(await unit.process("low_priority")).toBe(1);
      const { proposals } = unit.fixtures;
      expect(await unit.app.store.findProposal(proposals.pekarnaOverdue)).toMatchObject({
        status: "expired",
      });
      expect(await unit.app.store.findProposal(proposals.kavarna)).toMatchObject({ status: "draft" });
      expect(await unit.resolve(ExpireProposalsHandler).handle(new ExpireProposalsMessage())).toBe(0);
    });

    it("expires the others once their 30 days are over", async () => {
      unit.clock.set(START + 29 * DAY);
      expect(await unit.resolve(ExpireProposalsHandler).handle(new ExpireProposalsMessage())).toBe(3);
    });
  });

  describe("CheckSslCertificatesHandler", () => {
    it("records a check per lead website, sent through the low-priority queue", async () => {
      await unit.app.bus.dispatch(new CheckSslCertificatesMessage());
      expect(await unit.process("low_priority")).toBe(1);
      const checks = await unit.app.store.listCertificateChecks();
      expect(checks).toHaveLength(7);
      const byLead = new Map(checks.map((check) => [check.leadId, check]));
      const { leads } = unit.fixtures;
      expect(byLead.get(leads.stavby)).toMatchObject({
        host: "stavby-horak.cz",
        status: "no_https",
        validUntil: null,
      });
      expect(byLead.get(leads.invalidWebsite)).toMatchObject({ status: "unreachable", validUntil: null });
      for (const check of checks.filter((c) => c.validUntil !== null)) {
        expect(check.status).toBe(
          check.validUntil! <= START
            ? "expired"
            : check.validUntil! - START < 14 * DAY
              ? "expiring"
              : "valid",
        );
      }
    });

    it("summarises the statuses", async () => {
      const summary = await unit
        .resolve(CheckSslCertificatesHandler)
        .handle(new CheckSslCertificatesMessage(14));
      expect(summary.checked).toBe(7);
      expect(Object.values(summary.byStatus).reduce((a, b) => a + b, 0)).toBe(7);
      expect(summary.byStatus).toMatchObject({ no_https: 1, unreachable: 1 });
    });

    it("simulates 90-day certificates renewed on each host's own cycle", () => {
      for (const host of ["a.cz", "kavarna-u-mostu.cz", "pekarna-novak.cz", "x.example"]) {
        for (const now of [START, START + 45 * DAY, START + 400 * DAY]) {
          const { validUntil, status } = CertificateChecker.inspect(host, true, now, 14);
          const left = validUntil! - now;
          if (status === "expired") expect(left).toBeLessThanOrEqual(0);
          else expect(left).toBeGreaterThan(0);
          expect(left).toBeLessThanOrEqual(CERTIFICATE_LIFETIME_DAYS * DAY);
          expect(CertificateChecker.inspect(host, true, now, 14)).toEqual({ validUntil, status });
        }
      }
    });

    it("refuses warnDays outside 0..90 as unrecoverable", async () => {
      await expectUnrecoverable(
        unit.resolve(CheckSslCertificatesHandler).handle(new CheckSslCertificatesMessage(365)),
        "INVALID_WARN_DAYS",
      );
    });

    it("fails retryably while the websites cannot be reached", async () => {
      await unit.app.services.outages.simulate("website", 1);
      await expectTransient(
        unit.resolve(CheckSslCertificatesHandler).handle(new CheckSslCertificatesMessage()),
        "WEBSITE_UNAVAILABLE",
      );
      expect(await unit.app.store.listCertificateChecks()).toEqual([]);
    });
  });

  describe("CleanUpOldDataHandler", () => {
    it("deletes old screenshots, checks and expired proposals, keeps the recent ones", async () => {
      const leadId = unit.fixtures.leads.kavarna;
      await unit.app.services.screenshotClient.capture(leadId, "https://kavarna-u-mostu.cz/");
      await unit.app.services.certificateChecker.checkAll();
      await unit.app.services.proposalExpiry.expire();
      unit.clock.set(START + 200 * DAY);
      await unit.app.services.screenshotClient.capture(leadId, "https://kavarna-u-mostu.cz/kontakt");
      await unit.app.bus.dispatch(new CleanUpOldDataMessage(180));
      expect(await unit.process("low_priority")).toBe(1);
      expect((await unit.app.store.listScreenshots(leadId)).map((s) => s.url)).toEqual([
        "https://kavarna-u-mostu.cz/kontakt",
      ]);
      expect(await unit.app.store.listCertificateChecks()).toEqual([]);
      expect(await unit.app.store.findProposal(unit.fixtures.proposals.pekarnaOverdue)).toBeUndefined();
      expect(await unit.app.store.findProposal(unit.fixtures.proposals.kavarna)).toBeDefined();
      expect((await unit.app.store.counts()).leads).toBe(7);
    });

    it("reports what it deleted, and nothing when nothing is old", async () => {
      const handler = unit.resolve(CleanUpOldDataHandler);
      expect(await handler.handle(new CleanUpOldDataMessage(180))).toEqual({
        screenshots: 0,
        certificateChecks: 0,
        expiredProposals: 0,
      });
      await unit.app.bus.dispatch(
        new TakeScreenshotMessage(unit.fixtures.leads.kavarna, "https://kavarna-u-mostu.cz/"),
      );
      await unit.process("low_priority");
      unit.clock.set(START + 2 * DAY);
      expect(await handler.handle(new CleanUpOldDataMessage(1))).toMatchObject({ screenshots: 1 });
    });

    it("refuses a retention under a day as unrecoverable", async () => {
      await expectUnrecoverable(
        unit.resolve(CleanUpOldDataHandler).handle(new CleanUpOldDataMessage(0)),
        "INVALID_RETENTION",
      );
    });
  });
});
