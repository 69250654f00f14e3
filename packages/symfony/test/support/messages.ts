import { AsMessage, AsMessageHandler } from "@messenger-ts/core";
import { AsSymfonyMessage } from "../../src/index.js";

/** The seed's SendEmailMessage, as the PHP application (test/php/App.php) declares it. */
@AsMessage("interop.send_email")
@AsSymfonyMessage("App\\Message\\SendEmailMessage")
export class SendEmailMessage {
  constructor(
    readonly offerId: number,
    readonly to: string,
    readonly subject = "",
  ) {}
}

export interface NodeHandled {
  readonly offerId: number;
  readonly to: string;
}

/** What the Node side handled, in order; the handler throws for an address starting with "fail". */
export const nodeHandled: NodeHandled[] = [];

export class SendEmailHandler {
  @AsMessageHandler()
  send(message: SendEmailMessage): void {
    nodeHandled.push({ offerId: message.offerId, to: message.to });
    if (message.to.startsWith("fail")) throw new Error(`SMTP refused ${message.to} (Node)`);
  }
}
