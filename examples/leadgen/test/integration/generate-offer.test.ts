import { HandledStamp } from "@messenger-ts/core";
import { expect, it } from "vitest";
import { BASE_PRICES_CZK, GenerateOfferMessage, type Offer } from "../../src/index.js";
import { describeHandlerOnWorker, outageOf } from "../support/handler-suite.js";

/** The fixtures hold offers 1 to 3; the next is 4. */
const NEXT_OFFER = 4;

describeHandlerOnWorker({
  handler: "GenerateOfferHandler",
  file: "offer",
  transport: "normal",
  success: {
    message: (f) => new GenerateOfferMessage(f.leads.kavarna, f.users.jana, f.proposals.kavarna),
    verifyNotDone: async (pg) => {
      expect(await pg.app.store.findOffer(NEXT_OFFER)).toBeUndefined();
    },
    verify: async (pg, handled) => {
      const offer = (await pg.app.store.findOffer(NEXT_OFFER))!;
      expect(offer).toMatchObject({
        leadId: pg.fixtures.leads.kavarna,
        proposalId: pg.fixtures.proposals.kavarna,
      });
      expect(offer.items[0]!.priceCzk).toBe(BASE_PRICES_CZK.redesign);
      expect(offer.totalCzk).toBe(offer.items.reduce((sum, item) => sum + item.priceCzk, 0));
      expect((handled.last(HandledStamp)!.result as Offer).id).toBe(NEXT_OFFER);
    },
  },
  transient: outageOf("ai"),
  unrecoverable: {
    message: (f) => new GenerateOfferMessage(f.leads.kavarna, f.users.jana, f.proposals.autoservis),
    code: "PROPOSAL_OF_ANOTHER_LEAD",
  },
  more: (pg) => {
    it("refuses an expired proposal without retrying, after the daily expiry ran", async () => {
      const { leads, users, proposals } = pg().fixtures;
      await pg().app.services.proposalExpiry.expire();
      await pg().app.bus.dispatch(
        new GenerateOfferMessage(leads.pekarna, users.jana, proposals.pekarnaOverdue),
      );
      const run = await pg().consume(["normal"], (c) => c.gaveUp === 1);
      expect(run.received).toHaveLength(1);
      expect(run.failed[0]!.error.cause).toMatchObject({ code: "PROPOSAL_EXPIRED" });
    });

    it("offers an audit when the lead has no proposal", async () => {
      const { leads, users } = pg().fixtures;
      await pg().app.bus.dispatch(new GenerateOfferMessage(leads.ordinace, users.petr));
      await pg().consume(["normal"], (c) => c.handled.length === 1);
      expect(await pg().app.store.findOffer(NEXT_OFFER)).toMatchObject({
        proposalId: null,
        totalCzk: 15_000,
      });
    });
  },
});
