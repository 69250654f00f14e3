import { AsMessage } from "@messenger-ts/core";
import type { SesNotification } from "../domain/ses-notification.js";

/** An SES delivery, bounce or complaint notification the webhook received. Queue: high_priority. */
@AsMessage("leadgen.process_ses_webhook")
export class ProcessSesWebhookMessage {
  constructor(readonly payload: SesNotification) {}
}
