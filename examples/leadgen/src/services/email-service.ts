import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import type { DomainStore } from "../store/domain-store.js";
import type { Email, Lead, Offer, User } from "../store/records.js";
import { SesSender } from "./ses-sender.js";

/** What sending an offer did: sent now, or found already sent (a redelivered message). */
export interface SendOutcome {
  readonly status: "sent" | "already_sent";
  readonly email: Email;
}

/**
 * The seed's e-mail service: composes the offer e-mail for a lead and sends it through SES,
 * recording the message and SES's id (which the webhook later reports on).
 */
@injectable()
export class EmailService {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly ses: SesSender,
  ) {}

  async sendOffer(offerId: number, userId: number | null = null): Promise<SendOutcome> {
    const offer = await this.store.findOffer(offerId);
    if (!offer) throw new PermanentFailureError("OFFER_NOT_FOUND", `Offer ${offerId} does not exist.`);
    // At-least-once delivery: a message handled twice must not e-mail the lead twice.
    const existing = await this.store.findEmailByOffer(offerId);
    if (existing) return { status: "already_sent", email: existing };
    const lead = (await this.store.findLead(offer.leadId))!;
    if (lead.email === null) {
      throw new PermanentFailureError(
        "LEAD_WITHOUT_EMAIL",
        `Lead ${lead.id} of offer ${offerId} has no e-mail address.`,
      );
    }
    if (lead.emailSuppressed) {
      throw new PermanentFailureError(
        "EMAIL_SUPPRESSED",
        `${lead.email} (lead ${lead.id}) bounced or complained before: it gets no more e-mail.`,
      );
    }
    const senderId = userId ?? offer.userId;
    const sender = await this.store.findUser(senderId);
    if (!sender) throw new PermanentFailureError("USER_NOT_FOUND", `User ${senderId} does not exist.`);
    const subject = `Offer for ${lead.name}: ${formatCzk(offer.totalCzk)}`;
    const body = EmailService.compose(offer, lead, sender);
    const { messageId } = await this.ses.send({
      from: `${sender.name} <${sender.email}>`,
      to: lead.email,
      subject,
      html: body,
    });
    const now = this.clock.now();
    const email = await this.store.insertEmail(
      { offerId, userId: sender.id, recipient: lead.email, subject, body, providerMessageId: messageId },
      now,
    );
    await this.store.markOfferSent(offerId, now);
    await this.store.updateLead(lead.id, { status: "contacted" }, now);
    return { status: "sent", email };
  }

  static compose(offer: Offer, lead: Lead, sender: User): string {
    const items = offer.items
      .map((item) => `<li>${item.description}: ${formatCzk(item.priceCzk)}</li>`)
      .join("");
    return [
      `<p>Dear ${lead.name},</p>`,
      `<p>${offer.coverLetter}</p>`,
      `<ul>${items}</ul>`,
      `<p>Total: <strong>${formatCzk(offer.totalCzk)}</strong>, valid until ${new Date(offer.validUntil).toISOString().slice(0, 10)}.</p>`,
      `<p>${sender.name}</p>`,
    ].join("\n");
  }
}

export function formatCzk(amount: number): string {
  return `${amount.toLocaleString("en-US").replaceAll(",", " ")} CZK`;
}
