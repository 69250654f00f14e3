import { HandledStamp } from "@messenger-ts/core";
import { expect, it } from "vitest";
import { GenerateProposalMessage, type Proposal } from "../../src/index.js";
import { describeHandlerOnWorker, outageOf } from "../support/handler-suite.js";

describeHandlerOnWorker({
  handler: "GenerateProposalHandler",
  file: "proposal",
  transport: "normal",
  success: {
    message: (f) => new GenerateProposalMessage(f.leads.undeliverable, f.users.petr, "eshop"),
    verifyNotDone: async (pg) => {
      expect(await pg.app.store.latestProposal(pg.fixtures.leads.undeliverable)).toBeUndefined();
    },
    verify: async (pg, handled) => {
      const proposal = (await pg.app.store.latestProposal(pg.fixtures.leads.undeliverable))!;
      expect(proposal).toMatchObject({
        type: "eshop",
        title: "Online shop for Ztracená adresa",
        status: "draft",
      });
      expect((handled.last(HandledStamp)!.result as Proposal).id).toBe(proposal.id);
    },
  },
  transient: outageOf("ai"),
  unrecoverable: {
    message: (f) => new GenerateProposalMessage(f.leads.kavarna, f.users.jana, "billboard"),
    code: "INVALID_PROPOSAL_TYPE",
  },
  more: (pg) => {
    it("refuses a lead that was never analysed without retrying", async () => {
      const { leads, users } = pg().fixtures;
      await pg().app.bus.dispatch(new GenerateProposalMessage(leads.ordinace, users.jana, "redesign"));
      const run = await pg().consume(["normal"], (c) => c.gaveUp === 1);
      expect(run.received).toHaveLength(1);
      expect(run.failed[0]!.error.cause).toMatchObject({ code: "LEAD_NOT_ANALYZED" });
    });

    it("builds on the analysis named in the message", async () => {
      const { leads, users, analyses } = pg().fixtures;
      await pg().app.bus.dispatch(
        new GenerateProposalMessage(leads.autoservis, users.jana, "seo", analyses.autoservis!),
      );
      await pg().consume(["normal"], (c) => c.handled.length === 1);
      expect(await pg().app.store.latestProposal(leads.autoservis)).toMatchObject({
        analysisId: analyses.autoservis,
        type: "seo",
      });
    });
  },
});
