import { AsMessageHandler } from "@messenger-ts/core";
import { ProcessSesWebhookMessage } from "../messages/process-ses-webhook-message.js";
import { SesWebhookProcessor } from "../services/ses-webhook-processor.js";

/** Records an SES delivery, bounce or complaint. */
@AsMessageHandler({ handles: ProcessSesWebhookMessage })
export class ProcessSesWebhookHandler {
  constructor(private readonly processor: SesWebhookProcessor) {}

  handle(message: ProcessSesWebhookMessage) {
    return this.processor.process(message.payload);
  }
}
