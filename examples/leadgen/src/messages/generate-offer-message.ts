import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Prices a lead's proposal (or a website audit when there is none) and writes the cover letter. Queue: normal. */
@AsMessage("leadgen.generate_offer")
@AsSymfonyMessage("App\\Message\\GenerateOfferMessage")
export class GenerateOfferMessage {
  constructor(
    readonly leadId: number,
    readonly userId: number,
    /** The proposal to price; null: the lead's latest, if any. */
    readonly proposalId: number | null = null,
  ) {}
}
