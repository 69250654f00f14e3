import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";
import type { SesNotification } from "../domain/ses-notification.js";

/** An SES delivery, bounce or complaint notification the webhook received. Queue: high_priority. */
@AsMessage("leadgen.process_ses_webhook")
@AsSymfonyMessage("App\\Message\\ProcessSesWebhookMessage")
export class ProcessSesWebhookMessage {
  constructor(readonly payload: SesNotification) {}
}
