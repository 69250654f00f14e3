import { HandledStamp } from "@messenger-ts/core";
import { expect, it } from "vitest";
import { AnalyzeLeadMessage, DiscoverLeadsMessage } from "../../src/index.js";
import { describeHandlerOnWorker, outageOf } from "../support/handler-suite.js";

describeHandlerOnWorker({
  handler: "DiscoverLeadsHandler",
  file: "discover",
  transport: "low_priority",
  success: {
    message: () => new DiscoverLeadsMessage("zivefirmy_cz", "kadeřnictví Olomouc", 3),
    verifyNotDone: async (pg) => {
      expect((await pg.app.store.listLeads()).filter((l) => l.source === "zivefirmy_cz")).toEqual([]);
    },
    verify: async (pg, handled) => {
      const leads = (await pg.app.store.listLeads()).filter((l) => l.source === "zivefirmy_cz");
      expect(leads).toHaveLength(3);
      expect(leads.every((lead) => lead.industry === "beauty")).toBe(true);
      expect(handled.last(HandledStamp)!.result).toEqual({
        source: "zivefirmy_cz",
        found: 3,
        created: leads.map((lead) => lead.id),
      });
    },
  },
  transient: outageOf("discovery"),
  unrecoverable: {
    message: () => new DiscoverLeadsMessage("yellow_pages", "pekárna", 3),
    code: "UNKNOWN_DISCOVERY_SOURCE",
  },
  more: (pg) => {
    it("sends each new lead to the normal queue to be analysed, and a worker analyses them", async () => {
      await pg().app.bus.dispatch(new DiscoverLeadsMessage("seznam_search", "pekárna Plzeň", 2));
      await pg().consume(["low_priority"], (c) => c.handled.length === 1);
      const leads = (await pg().app.store.listLeads()).filter((l) => l.source === "seznam_search");
      expect((await pg().queued("normal")).map((e) => e.message)).toEqual(
        leads.map((lead) => new AnalyzeLeadMessage(lead.id)),
      );
      await pg().consume(["normal"], (c) => c.handled.length === 2);
      for (const lead of leads)
        expect(await pg().app.store.findLead(lead.id)).toMatchObject({ status: "analyzed" });
    });

    it("creates nothing new when the same search runs again", async () => {
      await pg().app.bus.dispatch(new DiscoverLeadsMessage("facebook", "hotel Liberec", 2));
      await pg().app.bus.dispatch(new DiscoverLeadsMessage("facebook", "hotel Liberec", 2));
      const run = await pg().consume(["low_priority"], (c) => c.handled.length === 2);
      expect(
        run.handled.map((e) => (e.last(HandledStamp)!.result as { created: number[] }).created.length),
      ).toEqual([2, 0]);
      expect(await pg().queued("normal")).toHaveLength(2);
    });
  },
});
