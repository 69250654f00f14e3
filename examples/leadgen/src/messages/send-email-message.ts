import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** E-mails an offer to its lead (the seed's e-mail send command dispatches it). Queue: high_priority. */
@AsMessage("leadgen.send_email")
@AsSymfonyMessage("App\\Message\\SendEmailMessage")
export class SendEmailMessage {
  constructor(
    readonly offerId: number,
    /** The sender; null: the user who made the offer. */
    readonly userId: number | null = null,
  ) {}
}
