import { AsMessageHandler } from "@messenger-ts/core";
import { ExpireProposalsMessage } from "../messages/expire-proposals-message.js";
import { ProposalExpiryService } from "../services/proposal-expiry-service.js";

/** Expires proposals past their date (daily). */
@AsMessageHandler({ handles: ExpireProposalsMessage })
export class ExpireProposalsHandler {
  constructor(private readonly expiry: ProposalExpiryService) {}

  handle(_message: ExpireProposalsMessage) {
    return this.expiry.expire();
  }
}
