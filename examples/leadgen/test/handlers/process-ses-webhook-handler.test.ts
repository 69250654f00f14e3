import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Email,
  ProcessSesWebhookHandler,
  ProcessSesWebhookMessage,
  type SesNotification,
} from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, type UnitApp } from "../support/unit-app.js";

describe("ProcessSesWebhookHandler", () => {
  let unit: UnitApp;
  let handler: ProcessSesWebhookHandler;
  let email: Email;
  const notification = (type: string, extra: Partial<SesNotification> = {}): SesNotification => ({
    notificationType: type,
    mail: { messageId: email.providerMessageId, destination: [email.recipient] },
    ...extra,
  });

  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(ProcessSesWebhookHandler);
    ({ email } = await unit.app.services.emailService.sendOffer(unit.fixtures.offers.kavarna));
  });
  afterEach(async () => {
    await unit.close();
  });

  it("records a delivery sent through the high-priority queue", async () => {
    await unit.app.bus.dispatch(
      new ProcessSesWebhookMessage(notification("Delivery", { delivery: { smtpResponse: "250 2.0.0 OK" } })),
    );
    expect(await unit.process("high_priority")).toBe(1);
    expect(await unit.app.store.findEmail(email.id)).toMatchObject({
      status: "delivered",
      statusDetail: "250 2.0.0 OK",
    });
  });

  it("marks a permanent bounce and stops e-mailing the address", async () => {
    const outcome = await handler.handle(
      new ProcessSesWebhookMessage(
        notification("Bounce", {
          bounce: {
            bounceType: "Permanent",
            bounceSubType: "NoEmail",
            bouncedRecipients: [{ emailAddress: email.recipient }],
          },
        }),
      ),
    );
    expect(outcome).toEqual({ emailId: email.id, status: "bounced", suppressedLeads: 1 });
    expect(await unit.app.store.findEmail(email.id)).toMatchObject({
      status: "bounced",
      statusDetail: "Permanent/NoEmail",
    });
    expect(await unit.app.store.findLead(unit.fixtures.leads.kavarna)).toMatchObject({
      status: "bounced",
      emailSuppressed: true,
    });
  });

  it("marks a transient bounce without suppressing the address", async () => {
    const outcome = await handler.handle(
      new ProcessSesWebhookMessage(
        notification("Bounce", {
          bounce: { bounceType: "Transient", bounceSubType: "MailboxFull", bouncedRecipients: [] },
        }),
      ),
    );
    expect(outcome).toMatchObject({ status: "soft_bounced", suppressedLeads: 0 });
    expect(await unit.app.store.findLead(unit.fixtures.leads.kavarna)).toMatchObject({
      emailSuppressed: false,
    });
  });

  it("marks a complaint, suppresses the address, and a later delivery report does not undo it", async () => {
    await handler.handle(
      new ProcessSesWebhookMessage(
        notification("Complaint", {
          complaint: {
            complainedRecipients: [{ emailAddress: email.recipient }],
            complaintFeedbackType: "abuse",
          },
        }),
      ),
    );
    const late = await handler.handle(new ProcessSesWebhookMessage(notification("Delivery")));
    expect(late).toEqual({ emailId: email.id, status: "complained", suppressedLeads: 0 });
    expect(await unit.app.store.findEmail(email.id)).toMatchObject({
      status: "complained",
      statusDetail: "abuse",
    });
    expect(await unit.app.store.findLead(unit.fixtures.leads.kavarna)).toMatchObject({
      emailSuppressed: true,
    });
  });

  it("fails retryably for a message id it does not know yet", async () => {
    await expectTransient(
      handler.handle(
        new ProcessSesWebhookMessage({
          notificationType: "Delivery",
          mail: { messageId: "0100unknown-000000" },
        }),
      ),
      "SES_MESSAGE_UNKNOWN",
    );
  });

  it("refuses an unsupported notification type and a payload without a message id as unrecoverable", async () => {
    await expectUnrecoverable(
      handler.handle(new ProcessSesWebhookMessage(notification("Open"))),
      "UNSUPPORTED_NOTIFICATION_TYPE",
      "Delivery, Bounce, Complaint",
    );
    await expectUnrecoverable(
      handler.handle(
        new ProcessSesWebhookMessage({ notificationType: "Delivery", mail: {} } as SesNotification),
      ),
      "INVALID_SES_PAYLOAD",
    );
  });
});
