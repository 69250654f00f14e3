import { AsMessageHandler } from "@messenger-ts/core";
import { AnalyzeLeadMessage } from "../messages/analyze-lead-message.js";
import { LeadAnalyzer } from "../services/lead-analyzer.js";

/** Runs the lead analyser. */
@AsMessageHandler({ handles: AnalyzeLeadMessage })
export class AnalyzeLeadHandler {
  constructor(private readonly analyzer: LeadAnalyzer) {}

  handle(message: AnalyzeLeadMessage) {
    return this.analyzer.analyze(message.leadId, {
      reanalyze: message.reanalyze,
      industryFilter: message.industryFilter,
    });
  }
}
