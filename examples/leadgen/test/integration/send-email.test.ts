import { HandledStamp } from "@messenger-ts/core";
import { expect, it } from "vitest";
import { SendEmailMessage } from "../../src/index.js";
import { describeHandlerOnWorker, outageOf } from "../support/handler-suite.js";

describeHandlerOnWorker({
  handler: "SendEmailHandler",
  file: "send_email",
  transport: "high_priority",
  success: {
    message: (f) => new SendEmailMessage(f.offers.kavarna),
    verifyNotDone: async (pg) => {
      expect(await pg.app.store.findEmailByOffer(pg.fixtures.offers.kavarna)).toBeUndefined();
    },
    verify: async (pg, handled) => {
      const email = (await pg.app.store.findEmailByOffer(pg.fixtures.offers.kavarna))!;
      expect(email).toMatchObject({ recipient: "info@kavarna-u-mostu.cz", status: "sent" });
      expect(handled.last(HandledStamp)!.result).toMatchObject({ status: "sent", email: { id: email.id } });
      expect(await pg.app.store.findOffer(pg.fixtures.offers.kavarna)).toMatchObject({ status: "sent" });
    },
  },
  transient: outageOf("ses"),
  // SES rejects the fixture lead's address on the reserved .invalid domain.
  unrecoverable: {
    message: (f) => new SendEmailMessage(f.failingInputs.undeliverableOfferId),
    code: "SES_MESSAGE_REJECTED",
  },
  more: (pg) => {
    it("e-mails the lead once although the message arrives twice", async () => {
      await pg().app.bus.dispatch(new SendEmailMessage(pg().fixtures.offers.autoservis));
      await pg().app.bus.dispatch(new SendEmailMessage(pg().fixtures.offers.autoservis));
      const run = await pg().consume(["high_priority"], (c) => c.handled.length === 2);
      expect(run.handled.map((e) => (e.last(HandledStamp)!.result as { status: string }).status)).toEqual([
        "sent",
        "already_sent",
      ]);
      expect((await pg().app.store.counts()).emails).toBe(1);
    });

    it("is handled before normal and low-priority work when a worker consumes all queues in priority order", async () => {
      const { fixtures } = pg();
      const { AnalyzeLeadMessage, TakeScreenshotMessage } = await import("../../src/index.js");
      await pg().app.bus.dispatch(
        new TakeScreenshotMessage(fixtures.leads.kavarna, "https://kavarna-u-mostu.cz/"),
      );
      await pg().app.bus.dispatch(new AnalyzeLeadMessage(fixtures.leads.ordinace));
      await pg().app.bus.dispatch(new SendEmailMessage(fixtures.offers.kavarna));
      const run = await pg().consume(
        ["high_priority", "normal", "low_priority"],
        (c) => c.handled.length === 3,
      );
      expect(run.handled.map((e) => e.message.constructor.name)).toEqual([
        "SendEmailMessage",
        "AnalyzeLeadMessage",
        "TakeScreenshotMessage",
      ]);
    });
  },
});
