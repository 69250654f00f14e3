import { AsMessageHandler } from "@messenger-ts/core";
import { GenerateOfferMessage } from "../messages/generate-offer-message.js";
import { OfferGenerator } from "../services/offer-generator.js";
import { translateFailures } from "./translate-failures.js";

/** Generates a price offer. */
@AsMessageHandler({ handles: GenerateOfferMessage })
export class GenerateOfferHandler {
  constructor(private readonly offers: OfferGenerator) {}

  handle(message: GenerateOfferMessage) {
    return translateFailures(() => this.offers.generate(message.leadId, message.userId, message.proposalId));
  }
}
