import { AsMessageHandler } from "@messenger-ts/core";
import { GenerateProposalMessage } from "../messages/generate-proposal-message.js";
import { ProposalGenerator } from "../services/proposal-generator.js";

/** Generates a design proposal. */
@AsMessageHandler({ handles: GenerateProposalMessage })
export class GenerateProposalHandler {
  constructor(private readonly proposals: ProposalGenerator) {}

  handle(message: GenerateProposalMessage) {
    return this.proposals.generate(message.leadId, message.userId, message.proposalType, message.analysisId);
  }
}
