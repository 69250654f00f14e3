import { AsMessageHandler } from "@messenger-ts/core";
import { GenerateOfferMessage } from "../messages/generate-offer-message.js";
import { OfferGenerator } from "../services/offer-generator.js";

/** Generates a price offer. */
@AsMessageHandler({ handles: GenerateOfferMessage })
export class GenerateOfferHandler {
  constructor(private readonly offers: OfferGenerator) {}

  handle(message: GenerateOfferMessage) {
    return this.offers.generate(message.leadId, message.userId, message.proposalId);
  }
}
