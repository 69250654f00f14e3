import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AnalyzeLeadMessage,
  DISCOVERY_SOURCES,
  DiscoverLeadsHandler,
  DiscoverLeadsMessage,
  DiscoveryService,
  isValidIco,
} from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, type UnitApp } from "../support/unit-app.js";

describe("DiscoverLeadsHandler", () => {
  let unit: UnitApp;
  let handler: DiscoverLeadsHandler;
  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(DiscoverLeadsHandler);
  });
  afterEach(async () => {
    await unit.close();
  });

  it("creates leads and companies from a search sent through the low-priority queue, and sends each to be analysed", async () => {
    await unit.app.bus.dispatch(new DiscoverLeadsMessage("firmy_cz", "restaurace Praha", 4));
    expect(await unit.process("low_priority")).toBe(1);
    const leads = (await unit.app.store.listLeads()).filter((lead) => lead.source === "firmy_cz");
    expect(leads).toHaveLength(4);
    for (const lead of leads) {
      expect(lead).toMatchObject({ industry: "restaurants", status: "new" });
      expect(lead.website).toMatch(/^https:\/\/[a-z0-9-]+\.cz\/$/);
      expect(lead.email).toBe(`info@${new URL(lead.website!).hostname}`);
      const company = (await unit.app.store.findCompany(lead.companyId!))!;
      expect(isValidIco(company.ico)).toBe(true);
    }
    expect(unit.sent("normal")).toEqual(leads.map((lead) => new AnalyzeLeadMessage(lead.id)));
  });

  it("finds the same companies for the same search, and creates nothing the second time", async () => {
    const first = await handler.handle(new DiscoverLeadsMessage("google_maps", "autoservis Brno", 3));
    const second = await handler.handle(new DiscoverLeadsMessage("google_maps", "autoservis Brno", 3));
    expect(first).toMatchObject({ source: "google_maps", found: 3 });
    expect(first.created).toHaveLength(3);
    expect(second).toEqual({ source: "google_maps", found: 3, created: [] });
    expect(unit.sent("normal")).toHaveLength(3);
    expect(DiscoveryService.resultOf("google_maps", "autoservis Brno", 0)).toEqual(
      DiscoveryService.resultOf("google_maps", "autoservis Brno", 0),
    );
  });

  it("knows the eight sources of the seed", () => {
    expect(DISCOVERY_SOURCES).toHaveLength(8);
  });

  it("refuses an unknown source as unrecoverable, listing the sources", async () => {
    await expectUnrecoverable(
      handler.handle(new DiscoverLeadsMessage("yellow_pages", "pekárna", 3)),
      "UNKNOWN_DISCOVERY_SOURCE",
      DISCOVERY_SOURCES.join(", "),
    );
  });

  it("refuses a limit outside 1..100 and an empty query as unrecoverable", async () => {
    await expectUnrecoverable(
      handler.handle(new DiscoverLeadsMessage("firmy_cz", "pekárna", 0)),
      "INVALID_LIMIT",
    );
    await expectUnrecoverable(
      handler.handle(new DiscoverLeadsMessage("firmy_cz", "pekárna", 101)),
      "INVALID_LIMIT",
    );
    await expectUnrecoverable(handler.handle(new DiscoverLeadsMessage("firmy_cz", " ", 5)), "EMPTY_QUERY");
  });

  it("fails retryably while the source is down, creating nothing", async () => {
    await unit.app.services.outages.simulate("discovery", 1);
    const before = (await unit.app.store.counts()).leads;
    await expectTransient(
      handler.handle(new DiscoverLeadsMessage("linkedin", "web design", 2)),
      "DISCOVERY_UNAVAILABLE",
    );
    expect((await unit.app.store.counts()).leads).toBe(before);
    expect(unit.sent("normal")).toEqual([]);
  });
});
