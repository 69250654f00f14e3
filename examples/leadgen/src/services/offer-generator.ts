import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import type { DomainStore } from "../store/domain-store.js";
import type { Analysis, Offer, OfferItem, Proposal, ProposalType } from "../store/records.js";
import { AiWriter } from "./ai-writer.js";

/** Base prices in CZK, by what is offered ("audit" when the lead has no proposal). */
export const BASE_PRICES_CZK: Record<ProposalType | "audit", number> = {
  redesign: 85_000,
  new_website: 120_000,
  eshop: 180_000,
  seo: 35_000,
  audit: 15_000,
};
/** Each issue the analysis found adds a fix at this price, up to {@link MAX_PRICED_ISSUES} of them. */
export const ISSUE_FIX_PRICE_CZK = 4_500;
export const MAX_PRICED_ISSUES = 6;
export const OFFER_VALIDITY_DAYS = 30;
const DAY = 86_400_000;

/**
 * The seed's offer generator: prices the lead's proposal (base price plus a fix per issue of its
 * analysis) and has the AI model write the cover letter.
 */
@injectable()
export class OfferGenerator {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly ai: AiWriter,
  ) {}

  async generate(leadId: number, userId: number, proposalId: number | null = null): Promise<Offer> {
    const lead = await this.store.findLead(leadId);
    if (!lead) throw new PermanentFailureError("LEAD_NOT_FOUND", `Lead ${leadId} does not exist.`);
    if (!(await this.store.findUser(userId))) {
      throw new PermanentFailureError("USER_NOT_FOUND", `User ${userId} does not exist.`);
    }
    const proposal = await this.#proposal(leadId, proposalId);
    const analysis = proposal
      ? await this.store.findAnalysis(proposal.analysisId)
      : await this.store.latestAnalysis(leadId);
    const items = OfferGenerator.price(lead.name, proposal, analysis);
    const coverLetter = await this.ai.write({
      kind: "cover_letter",
      company: lead.name,
      website: lead.website,
      industry: lead.industry,
      points: items.map((item) => item.description),
    });
    const now = this.clock.now();
    const offer = await this.store.insertOffer(
      {
        leadId,
        userId,
        proposalId: proposal?.id ?? null,
        items,
        coverLetter,
        validUntil: now + OFFER_VALIDITY_DAYS * DAY,
      },
      now,
    );
    await this.store.updateLead(leadId, { status: "offered" }, now);
    return offer;
  }

  /** The offer's items: the proposal's base price (an audit without one) and a fix per issue found. */
  static price(
    leadName: string,
    proposal: Proposal | undefined,
    analysis: Analysis | undefined,
  ): OfferItem[] {
    const kind = proposal?.type ?? "audit";
    return [
      {
        description: proposal ? proposal.title : `Website audit for ${leadName}`,
        priceCzk: BASE_PRICES_CZK[kind],
      },
      ...(analysis?.findings ?? [])
        .filter((finding) => finding.issue !== null)
        .sort((a, b) => a.score - b.score || a.analyzer.localeCompare(b.analyzer))
        .slice(0, MAX_PRICED_ISSUES)
        .map((finding) => ({ description: `Fix: ${finding.issue}`, priceCzk: ISSUE_FIX_PRICE_CZK })),
    ];
  }

  async #proposal(leadId: number, proposalId: number | null): Promise<Proposal | undefined> {
    const proposal =
      proposalId === null
        ? await this.store.latestProposal(leadId)
        : await this.store.findProposal(proposalId);
    if (proposalId !== null && !proposal) {
      throw new PermanentFailureError("PROPOSAL_NOT_FOUND", `Proposal ${proposalId} does not exist.`);
    }
    if (!proposal) return undefined;
    if (proposal.leadId !== leadId) {
      throw new PermanentFailureError(
        "PROPOSAL_OF_ANOTHER_LEAD",
        `Proposal ${proposal.id} belongs to lead ${proposal.leadId}, not to lead ${leadId}.`,
      );
    }
    // The latest proposal may have expired: the offer is then an audit. A named one must be current.
    if (proposal.status === "expired" && proposalId === null) return undefined;
    if (proposal.status === "expired") {
      throw new PermanentFailureError(
        "PROPOSAL_EXPIRED",
        `Proposal ${proposal.id} expired on ${new Date(proposal.expiresAt).toISOString()}: generate a new one first.`,
      );
    }
    return proposal;
  }
}
