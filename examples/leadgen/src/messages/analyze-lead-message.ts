import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Runs the website analysers on a lead's website. Queue: normal. */
@AsMessage("leadgen.analyze_lead")
@AsSymfonyMessage("App\\Message\\AnalyzeLeadMessage")
export class AnalyzeLeadMessage {
  constructor(
    readonly leadId: number,
    /** Analyse again even when the lead already has an analysis. */
    readonly reanalyze: boolean = false,
    /** Only analyse the lead if it is in this industry. */
    readonly industryFilter: string | null = null,
  ) {}
}
