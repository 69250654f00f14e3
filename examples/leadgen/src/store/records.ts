import type { BenchmarkPeriod } from "../domain/benchmark-period.js";

/**
 * The rows of the domain store. Times are epoch milliseconds (the application's clock), ids are
 * numbers, and JSON columns come back parsed.
 */

export interface User {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly createdAt: number;
}

export type AresStatus = "pending" | "synced";

export interface Company {
  readonly id: number;
  readonly ico: string;
  readonly name: string;
  readonly legalForm: string | null;
  readonly address: string | null;
  readonly vatId: string | null;
  readonly industry: string | null;
  readonly employees: number | null;
  readonly aresStatus: AresStatus;
  readonly aresSyncedAt: number | null;
  readonly createdAt: number;
}

export const LEAD_STATUSES = [
  "new",
  "analyzed",
  "proposal_ready",
  "offered",
  "contacted",
  "bounced",
] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export interface Lead {
  readonly id: number;
  readonly companyId: number | null;
  readonly name: string;
  readonly website: string | null;
  readonly email: string | null;
  readonly industry: string | null;
  /** Where it was found: a discovery source, or "manual". */
  readonly source: string;
  readonly status: LeadStatus;
  /** The latest analysis score, 0 to 100. */
  readonly score: number | null;
  /** Set when its address bounced or complained: no more e-mail to it. */
  readonly emailSuppressed: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What one of the website analysers found. */
export interface AnalyzerFinding {
  readonly analyzer: string;
  readonly score: number;
  /** What is wrong, when the score is below the threshold. */
  readonly issue: string | null;
}

export interface Analysis {
  readonly id: number;
  readonly leadId: number;
  readonly url: string;
  readonly score: number;
  readonly industry: string | null;
  readonly findings: readonly AnalyzerFinding[];
  readonly createdAt: number;
}

export const PROPOSAL_TYPES = ["redesign", "new_website", "eshop", "seo"] as const;
export type ProposalType = (typeof PROPOSAL_TYPES)[number];
export type ProposalStatus = "draft" | "sent" | "expired";

export interface Proposal {
  readonly id: number;
  readonly leadId: number;
  readonly userId: number;
  readonly analysisId: number;
  readonly type: ProposalType;
  readonly title: string;
  readonly content: string;
  readonly status: ProposalStatus;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface OfferItem {
  readonly description: string;
  readonly priceCzk: number;
}

export type OfferStatus = "draft" | "sent";

export interface Offer {
  readonly id: number;
  readonly leadId: number;
  readonly userId: number;
  readonly proposalId: number | null;
  readonly items: readonly OfferItem[];
  readonly totalCzk: number;
  readonly coverLetter: string;
  readonly status: OfferStatus;
  readonly createdAt: number;
  readonly validUntil: number;
  readonly sentAt: number | null;
}

export const EMAIL_STATUSES = ["sent", "delivered", "soft_bounced", "bounced", "complained"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export interface Email {
  readonly id: number;
  readonly offerId: number;
  readonly userId: number;
  readonly recipient: string;
  readonly subject: string;
  readonly body: string;
  /** The id the mail provider (SES) gave the message; its webhook names it. */
  readonly providerMessageId: string;
  readonly status: EmailStatus;
  readonly statusDetail: string | null;
  readonly sentAt: number;
  readonly updatedAt: number;
}

export interface Screenshot {
  readonly id: number;
  readonly leadId: number;
  readonly url: string;
  readonly width: number;
  readonly height: number;
  /** The rendered page (an SVG document in this simulation). */
  readonly image: string;
  readonly sha256: string;
  readonly createdAt: number;
}

export interface Benchmark {
  readonly id: number;
  /** "*" for all industries together. */
  readonly industry: string;
  readonly period: BenchmarkPeriod;
  readonly periodKey: string;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly leadsAnalyzed: number;
  readonly averageScore: number | null;
  readonly medianScore: number | null;
  readonly p90Score: number | null;
  readonly calculatedAt: number;
}

export const CERTIFICATE_STATUSES = ["valid", "expiring", "expired", "no_https", "unreachable"] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export interface CertificateCheck {
  readonly id: number;
  readonly leadId: number;
  readonly host: string;
  readonly status: CertificateStatus;
  readonly validUntil: number | null;
  readonly checkedAt: number;
}

/** The domain tables, in the order rows can be deleted without breaking a reference. */
export const DOMAIN_TABLES = [
  "certificate_checks",
  "screenshots",
  "emails",
  "offers",
  "proposals",
  "analyses",
  "benchmarks",
  "leads",
  "companies",
  "users",
  "outages",
] as const;
export type DomainTable = (typeof DOMAIN_TABLES)[number];
