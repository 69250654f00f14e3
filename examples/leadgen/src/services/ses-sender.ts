import { injectable } from "tsyringe";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import { stableHex } from "../domain/stable-hash.js";
import { emailDomain, isReservedInvalidHost } from "../domain/website.js";
import { Latency } from "./latency.js";
import { OutageSimulator } from "./outage-simulator.js";

export interface OutgoingEmail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
}

/**
 * The seed's SES sender: hands a message to Amazon SES and returns SES's message id, which the
 * delivery, bounce and complaint webhooks name later. Simulated: the id is derived from the
 * message, an address on the reserved `.invalid` domain is rejected, and an outage of "ses"
 * answers like SES's throttling.
 */
@injectable()
export class SesSender {
  constructor(
    private readonly latency: Latency,
    private readonly outages: OutageSimulator,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const domain = emailDomain(email.to);
    if (domain === "" || isReservedInvalidHost(domain)) {
      throw new PermanentFailureError(
        "SES_MESSAGE_REJECTED",
        `SES rejected the message to ${JSON.stringify(email.to)}: the address's domain does not resolve.`,
      );
    }
    await this.outages.check("ses");
    await this.latency.simulate("email");
    return { messageId: SesSender.messageIdOf(email) };
  }

  /** SES's id format: 0100 + 16 hex digits + "-" + a UUID-like part + "-000000". */
  static messageIdOf(email: OutgoingEmail): string {
    const hex = stableHex(48, email.from, email.to, email.subject, email.html);
    return `0100${hex.slice(0, 16)}-${hex.slice(16, 24)}-${hex.slice(24, 28)}-${hex.slice(28, 32)}-${hex.slice(32, 36)}-${hex.slice(36, 48)}-000000`;
  }
}
