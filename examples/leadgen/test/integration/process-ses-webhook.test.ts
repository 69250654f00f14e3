import { WorkerMessageFailedEvent } from "@messenger-ts/core";
import { expect, it } from "vitest";
import { ProcessSesWebhookMessage, type SesNotification } from "../../src/index.js";
import { describeHandlerOnWorker } from "../support/handler-suite.js";
import type { PgApp } from "../support/pg-app.js";

/** The SES id of an e-mail that is only recorded later (SES called the webhook first). */
const LATE_ID = "0100late-000000";
const bounce = (messageId: string): SesNotification => ({
  notificationType: "Bounce",
  mail: { messageId, destination: ["info@kavarna-u-mostu.cz"] },
  bounce: { bounceType: "Permanent", bouncedRecipients: [{ emailAddress: "info@kavarna-u-mostu.cz" }] },
});

async function recordLateEmail(pg: PgApp): Promise<void> {
  const { offers, users } = pg.fixtures;
  await pg.app.store.insertEmail(
    {
      offerId: offers.kavarna,
      userId: users.jana,
      recipient: "info@kavarna-u-mostu.cz",
      subject: "Offer",
      body: "…",
      providerMessageId: LATE_ID,
    },
    Date.now(),
  );
}

describeHandlerOnWorker({
  handler: "ProcessSesWebhookHandler",
  file: "ses_webhook",
  transport: "high_priority",
  success: {
    message: () => new ProcessSesWebhookMessage(bounce(LATE_ID)),
    arrange: recordLateEmail,
    verifyNotDone: async (pg) => {
      expect(await pg.app.store.findLead(pg.fixtures.leads.kavarna)).toMatchObject({
        emailSuppressed: false,
      });
    },
    verify: async (pg) => {
      expect(await pg.app.store.findEmailByProviderId(LATE_ID)).toMatchObject({ status: "bounced" });
      expect(await pg.app.store.findLead(pg.fixtures.leads.kavarna)).toMatchObject({
        status: "bounced",
        emailSuppressed: true,
      });
    },
  },
  // The webhook names an e-mail not recorded yet: retried until the e-mail shows up.
  transient: {
    code: "SES_MESSAGE_UNKNOWN",
    async failFor(pg, attempts) {
      if (attempts === "always") return;
      let failures = 0;
      pg.onReset(
        pg.app.messenger.events.on(WorkerMessageFailedEvent, async () => {
          if (++failures === attempts) await recordLateEmail(pg);
        }),
      );
    },
    heal: recordLateEmail,
  },
  unrecoverable: {
    message: () =>
      new ProcessSesWebhookMessage({
        notificationType: "Open",
        mail: { messageId: LATE_ID },
      } as SesNotification),
    code: "UNSUPPORTED_NOTIFICATION_TYPE",
  },
  more: (pg) => {
    it("records the delivery of an e-mail the application sent", async () => {
      const { email } = await pg().app.services.emailService.sendOffer(pg().fixtures.offers.autoservis);
      await pg().app.bus.dispatch(
        new ProcessSesWebhookMessage({
          notificationType: "Delivery",
          mail: { messageId: email.providerMessageId },
          delivery: { smtpResponse: "250 2.0.0 OK" },
        }),
      );
      await pg().consume(["high_priority"], (c) => c.handled.length === 1);
      expect(await pg().app.store.findEmail(email.id)).toMatchObject({
        status: "delivered",
        statusDetail: "250 2.0.0 OK",
      });
    });

    it("keeps the SES payload intact through the queue", async () => {
      const payload = bounce(LATE_ID);
      await pg().app.bus.dispatch(new ProcessSesWebhookMessage(payload));
      const [queued] = await pg().queued("high_priority");
      expect((queued!.message as ProcessSesWebhookMessage).payload).toEqual(payload);
    });
  },
});
