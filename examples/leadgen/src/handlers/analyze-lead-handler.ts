import { AsMessageHandler, MessageBus } from "@messenger-ts/core";
import { AnalyzeLeadMessage } from "../messages/analyze-lead-message.js";
import { TakeScreenshotMessage } from "../messages/take-screenshot-message.js";
import { LeadAnalyzer } from "../services/lead-analyzer.js";

/**
 * Runs the lead analyser, and sends the page it analysed on to the headless browser (the seed's
 * analysis → screenshot step, on low_priority: a screenshot is slow and nobody waits for it). A
 * skipped lead (already analysed, other industry) gets no new screenshot.
 */
@AsMessageHandler({ handles: AnalyzeLeadMessage })
export class AnalyzeLeadHandler {
  constructor(
    private readonly analyzer: LeadAnalyzer,
    private readonly bus: MessageBus,
  ) {}

  async handle(message: AnalyzeLeadMessage) {
    const outcome = await this.analyzer.analyze(message.leadId, {
      reanalyze: message.reanalyze,
      industryFilter: message.industryFilter,
    });
    if (outcome.status === "analyzed") {
      await this.bus.dispatch(new TakeScreenshotMessage(message.leadId, outcome.analysis.url));
    }
    return outcome;
  }
}
