import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SendEmailHandler, SendEmailMessage, SesSender } from "../../src/index.js";
import { expectTransient, expectUnrecoverable } from "../support/errors.js";
import { createUnitApp, START, type UnitApp } from "../support/unit-app.js";

describe("SendEmailHandler", () => {
  let unit: UnitApp;
  let handler: SendEmailHandler;
  beforeEach(async () => {
    unit = await createUnitApp();
    handler = unit.resolve(SendEmailHandler);
  });
  afterEach(async () => {
    await unit.close();
  });

  it("e-mails an offer sent through the high-priority queue and records SES's message id", async () => {
    const offerId = unit.fixtures.offers.kavarna;
    await unit.app.bus.dispatch(new SendEmailMessage(offerId));
    expect(await unit.process("high_priority")).toBe(1);
    const email = (await unit.app.store.findEmailByOffer(offerId))!;
    expect(email).toMatchObject({
      recipient: "info@kavarna-u-mostu.cz",
      userId: unit.fixtures.users.jana,
      status: "sent",
      sentAt: START,
    });
    expect(email.providerMessageId).toMatch(
      /^0100[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-000000$/,
    );
    expect(email.subject).toMatch(/^Offer for Kavárna U Mostu: [\d ]+ CZK$/);
    expect(email.body).toContain("Jana Nováková");
    expect(await unit.app.store.findOffer(offerId)).toMatchObject({ status: "sent", sentAt: START });
    expect(await unit.app.store.findLead(unit.fixtures.leads.kavarna)).toMatchObject({ status: "contacted" });
  });

  it("sends an offer once, however often the message is handled", async () => {
    const offerId = unit.fixtures.offers.kavarna;
    const first = await handler.handle(new SendEmailMessage(offerId));
    const again = await handler.handle(new SendEmailMessage(offerId));
    expect(first.status).toBe("sent");
    expect(again).toEqual({ status: "already_sent", email: first.email });
    expect((await unit.app.store.counts()).emails).toBe(1);
  });

  it("sends as the given user instead of the offer's author", async () => {
    const { email } = await handler.handle(
      new SendEmailMessage(unit.fixtures.offers.kavarna, unit.fixtures.users.petr),
    );
    expect(email.userId).toBe(unit.fixtures.users.petr);
    expect(email.body).toContain("Petr Svoboda");
  });

  it("gives the same message the same SES id (the simulated SES is deterministic)", () => {
    const email = { from: "a <a@x.cz>", to: "b@y.cz", subject: "s", html: "h" };
    expect(SesSender.messageIdOf(email)).toBe(SesSender.messageIdOf({ ...email }));
    expect(SesSender.messageIdOf(email)).not.toBe(SesSender.messageIdOf({ ...email, to: "c@y.cz" }));
  });

  it("refuses an address on the reserved .invalid domain as unrecoverable (SES rejects it)", async () => {
    const offerId = unit.fixtures.failingInputs.undeliverableOfferId;
    await expectUnrecoverable(
      handler.handle(new SendEmailMessage(offerId)),
      "SES_MESSAGE_REJECTED",
      "info@ztracena-adresa.invalid",
    );
    expect(await unit.app.store.findEmailByOffer(offerId)).toBeUndefined();
    expect(await unit.app.store.findOffer(offerId)).toMatchObject({ status: "draft", sentAt: null });
  });

  it("refuses an unknown offer, an unknown sender and a suppressed address as unrecoverable", async () => {
    await expectUnrecoverable(handler.handle(new SendEmailMessage(77)), "OFFER_NOT_FOUND", "Offer 77");
    await expectUnrecoverable(
      handler.handle(new SendEmailMessage(unit.fixtures.offers.kavarna, 55)),
      "USER_NOT_FOUND",
      "User 55",
    );
    await unit.app.store.suppressEmail("INFO@kavarna-u-mostu.cz", START);
    await expectUnrecoverable(
      handler.handle(new SendEmailMessage(unit.fixtures.offers.kavarna)),
      "EMAIL_SUPPRESSED",
    );
  });

  it("fails retryably while SES throttles, sending nothing, then sends", async () => {
    await unit.app.services.outages.simulate("ses", 1);
    const offerId = unit.fixtures.offers.autoservis;
    await expectTransient(handler.handle(new SendEmailMessage(offerId)), "SES_UNAVAILABLE");
    expect(await unit.app.store.findEmailByOffer(offerId)).toBeUndefined();
    expect((await handler.handle(new SendEmailMessage(offerId))).status).toBe("sent");
  });
});
