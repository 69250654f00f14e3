import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Writes a design proposal for a lead from its analysis. Queue: normal. */
@AsMessage("leadgen.generate_proposal")
@AsSymfonyMessage("App\\Message\\GenerateProposalMessage")
export class GenerateProposalMessage {
  constructor(
    readonly leadId: number,
    readonly userId: number,
    /** One of PROPOSAL_TYPES: redesign, new_website, eshop, seo. */
    readonly proposalType: string,
    /** The analysis to build on; null: the lead's latest. */
    readonly analysisId: number | null = null,
  ) {}
}
