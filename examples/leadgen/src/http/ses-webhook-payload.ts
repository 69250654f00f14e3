import { SES_NOTIFICATION_TYPES, type SesNotification } from "../domain/ses-notification.js";
import { assertDispatchableJson } from "./assert-dispatchable-json.js";
import { HttpError } from "./http-error.js";

/**
 * The SES notification in a webhook body: either the notification itself, or the SNS envelope SES
 * publishes through (`{"Type": "Notification", "Message": "<the notification as JSON text>"}`).
 * Checked here, before anything is queued, so a malformed call gets its 400 at once instead of
 * ending in the failure transport.
 */
export function parseSesWebhook(body: unknown): SesNotification {
  let payload = body;
  if (isObject(body) && typeof body.Type === "string") {
    if (body.Type !== "Notification") {
      throw invalid(
        "UNSUPPORTED_SNS_MESSAGE",
        `SNS message type ${JSON.stringify(body.Type)} is not handled here: only "Notification" (confirm subscriptions in the AWS console).`,
      );
    }
    if (typeof body.Message !== "string") {
      throw invalid(
        "INVALID_SES_PAYLOAD",
        `The SNS notification has no "Message" text holding the SES notification.`,
      );
    }
    try {
      payload = JSON.parse(body.Message);
    } catch {
      throw invalid("INVALID_SES_PAYLOAD", `The SNS notification's "Message" is not JSON.`);
    }
    assertDispatchableJson(payload);
  }
  if (!isObject(payload)) {
    throw invalid("INVALID_SES_PAYLOAD", `Expected an SES notification object, got ${describe(payload)}.`);
  }
  const type = payload.notificationType;
  if (!(SES_NOTIFICATION_TYPES as readonly unknown[]).includes(type)) {
    throw invalid(
      "UNSUPPORTED_NOTIFICATION_TYPE",
      `notificationType ${JSON.stringify(type ?? null)} is not supported; expected one of: ${SES_NOTIFICATION_TYPES.join(", ")}.`,
    );
  }
  const mail = payload.mail;
  if (!isObject(mail) || typeof mail.messageId !== "string" || mail.messageId === "") {
    throw invalid(
      "INVALID_SES_PAYLOAD",
      `mail.messageId is missing: it names the e-mail the ${type} is about.`,
    );
  }
  if (type === "Bounce") {
    const bounce = payload.bounce;
    if (
      !isObject(bounce) ||
      typeof bounce.bounceType !== "string" ||
      !Array.isArray(bounce.bouncedRecipients)
    ) {
      throw invalid("INVALID_SES_PAYLOAD", "A Bounce needs bounce.bounceType and bounce.bouncedRecipients.");
    }
  }
  if (type === "Complaint") {
    const complaint = payload.complaint;
    if (!isObject(complaint) || !Array.isArray(complaint.complainedRecipients)) {
      throw invalid("INVALID_SES_PAYLOAD", "A Complaint needs complaint.complainedRecipients.");
    }
  }
  return payload as unknown as SesNotification;
}

function invalid(code: string, message: string): HttpError {
  return new HttpError(400, code, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
}
