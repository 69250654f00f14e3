import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import { SES_NOTIFICATION_TYPES, type SesNotification } from "../domain/ses-notification.js";
import { TransientFailureError } from "../domain/transient-failure-error.js";
import type { DomainStore } from "../store/domain-store.js";
import type { EmailStatus } from "../store/records.js";
import { Latency } from "./latency.js";

export interface WebhookOutcome {
  readonly emailId: number;
  readonly status: EmailStatus;
  /** Leads whose address is now suppressed. */
  readonly suppressedLeads: number;
}

/** Statuses a later notification may not overwrite (a delivery report can arrive after a complaint). */
const FINAL: readonly EmailStatus[] = ["bounced", "complained"];

/**
 * The seed's SES webhook processing: records deliveries, bounces and complaints on the e-mail
 * SES names, and stops e-mailing addresses that bounced for good or complained.
 */
@injectable()
export class SesWebhookProcessor {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly latency: Latency,
  ) {}

  async process(payload: SesNotification): Promise<WebhookOutcome> {
    const type = payload?.notificationType;
    if (!SES_NOTIFICATION_TYPES.includes(type as (typeof SES_NOTIFICATION_TYPES)[number])) {
      throw new PermanentFailureError(
        "UNSUPPORTED_NOTIFICATION_TYPE",
        `Unsupported SES notification type ${JSON.stringify(type)}; supported: ${SES_NOTIFICATION_TYPES.join(", ")}.`,
      );
    }
    const messageId = payload.mail?.messageId;
    if (typeof messageId !== "string" || messageId === "") {
      throw new PermanentFailureError(
        "INVALID_SES_PAYLOAD",
        `SES ${type} notification without mail.messageId: cannot tell which e-mail it is about.`,
      );
    }
    await this.latency.simulate("webhook");
    const email = await this.store.findEmailByProviderId(messageId);
    if (!email) {
      // SES can call the webhook before the sending transaction is visible here: try again later.
      throw new TransientFailureError(
        "SES_MESSAGE_UNKNOWN",
        `No e-mail with SES message id ${messageId} (yet): the ${type} notification will be retried.`,
      );
    }
    const now = this.clock.now();
    let status: EmailStatus;
    let detail: string | null = null;
    let suppress: readonly string[] = [];
    if (type === "Delivery") {
      status = "delivered";
      detail = payload.delivery?.smtpResponse ?? null;
    } else if (type === "Bounce") {
      const permanent = payload.bounce?.bounceType === "Permanent";
      status = permanent ? "bounced" : "soft_bounced";
      detail = [payload.bounce?.bounceType, payload.bounce?.bounceSubType].filter(Boolean).join("/") || null;
      if (permanent) suppress = (payload.bounce?.bouncedRecipients ?? []).map((r) => r.emailAddress);
    } else {
      status = "complained";
      detail = payload.complaint?.complaintFeedbackType ?? null;
      suppress = (payload.complaint?.complainedRecipients ?? []).map((r) => r.emailAddress);
    }
    if (suppress.length === 0 && (status === "bounced" || status === "complained"))
      suppress = [email.recipient];
    if (FINAL.includes(email.status) && !FINAL.includes(status)) {
      return { emailId: email.id, status: email.status, suppressedLeads: 0 };
    }
    await this.store.updateEmailStatus(email.id, status, detail, now);
    let suppressedLeads = 0;
    for (const address of suppress) suppressedLeads += await this.store.suppressEmail(address, now);
    return { emailId: email.id, status, suppressedLeads };
  }
}
