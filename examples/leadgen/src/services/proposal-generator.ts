import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import type { DomainStore } from "../store/domain-store.js";
import { type Analysis, PROPOSAL_TYPES, type Proposal, type ProposalType } from "../store/records.js";
import { AiWriter } from "./ai-writer.js";

/** How long a proposal stays valid before the daily expiry marks it expired. */
export const PROPOSAL_VALIDITY_DAYS = 30;
const DAY = 86_400_000;

const TITLES: Record<ProposalType, string> = {
  redesign: "Website redesign",
  new_website: "New website",
  eshop: "Online shop",
  seo: "Search visibility",
};

/**
 * The seed's design proposal generator: picks the weakest points of the lead's analysis and has
 * the AI model write a proposal around them.
 */
@injectable()
export class ProposalGenerator {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly ai: AiWriter,
  ) {}

  async generate(
    leadId: number,
    userId: number,
    proposalType: string,
    analysisId: number | null = null,
  ): Promise<Proposal> {
    const type = assertProposalType(proposalType);
    const lead = await this.store.findLead(leadId);
    if (!lead) throw new PermanentFailureError("LEAD_NOT_FOUND", `Lead ${leadId} does not exist.`);
    if (!(await this.store.findUser(userId))) {
      throw new PermanentFailureError("USER_NOT_FOUND", `User ${userId} does not exist.`);
    }
    const analysis = await this.#analysis(leadId, analysisId);
    const weakest = [...analysis.findings]
      .filter((finding) => finding.issue !== null)
      .sort((a, b) => a.score - b.score || a.analyzer.localeCompare(b.analyzer))
      .slice(0, 5)
      .map((finding) => finding.issue!);
    const content = await this.ai.write({
      kind: "proposal",
      company: lead.name,
      website: lead.website,
      industry: lead.industry,
      points: weakest.length > 0 ? weakest : ["Keep the site fast and current"],
    });
    const now = this.clock.now();
    const proposal = await this.store.insertProposal(
      {
        leadId,
        userId,
        analysisId: analysis.id,
        type,
        title: `${TITLES[type]} for ${lead.name}`,
        content,
        expiresAt: now + PROPOSAL_VALIDITY_DAYS * DAY,
      },
      now,
    );
    await this.store.updateLead(leadId, { status: "proposal_ready" }, now);
    return proposal;
  }

  async #analysis(leadId: number, analysisId: number | null): Promise<Analysis> {
    if (analysisId === null) {
      const latest = await this.store.latestAnalysis(leadId);
      if (!latest) {
        throw new PermanentFailureError(
          "LEAD_NOT_ANALYZED",
          `Lead ${leadId} has no analysis yet: analyse it first (AnalyzeLeadMessage).`,
        );
      }
      return latest;
    }
    const analysis = await this.store.findAnalysis(analysisId);
    if (!analysis)
      throw new PermanentFailureError("ANALYSIS_NOT_FOUND", `Analysis ${analysisId} does not exist.`);
    if (analysis.leadId !== leadId) {
      throw new PermanentFailureError(
        "ANALYSIS_OF_ANOTHER_LEAD",
        `Analysis ${analysisId} belongs to lead ${analysis.leadId}, not to lead ${leadId}.`,
      );
    }
    return analysis;
  }
}

export function assertProposalType(type: unknown): ProposalType {
  if (!PROPOSAL_TYPES.includes(type as ProposalType)) {
    throw new PermanentFailureError(
      "INVALID_PROPOSAL_TYPE",
      `Invalid proposal type ${JSON.stringify(type)}; allowed: ${PROPOSAL_TYPES.join(", ")}.`,
    );
  }
  return type as ProposalType;
}
