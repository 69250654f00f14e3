import { AsMessageHandler } from "@messenger-ts/core";
import { SendEmailMessage } from "../messages/send-email-message.js";
import { EmailService } from "../services/email-service.js";

/** E-mails an offer through the e-mail service (and SES). */
@AsMessageHandler({ handles: SendEmailMessage })
export class SendEmailHandler {
  constructor(private readonly emails: EmailService) {}

  handle(message: SendEmailMessage) {
    return this.emails.sendOffer(message.offerId, message.userId);
  }
}
