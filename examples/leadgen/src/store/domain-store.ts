import type {
  Analysis,
  Benchmark,
  CertificateCheck,
  CertificateStatus,
  Company,
  DomainTable,
  Email,
  EmailStatus,
  Lead,
  LeadStatus,
  Offer,
  OfferItem,
  Proposal,
  ProposalType,
  Screenshot,
  User,
} from "./records.js";

export interface NewUser {
  readonly name: string;
  readonly email: string;
}

export interface NewCompany {
  readonly ico: string;
  readonly name: string;
  readonly industry?: string | null;
}

/** What the company register says about a company. */
export interface CompanyRegisterData {
  readonly ico: string;
  readonly name: string;
  readonly legalForm: string;
  readonly address: string;
  readonly vatId: string | null;
  readonly employees: number;
}

export interface NewLead {
  readonly companyId?: number | null;
  readonly name: string;
  readonly website?: string | null;
  readonly email?: string | null;
  readonly industry?: string | null;
  readonly source: string;
}

export interface LeadChanges {
  readonly status?: LeadStatus;
  readonly score?: number | null;
  readonly companyId?: number | null;
}

/** An analysis as a handler writes it: the store adds the id and the time. */
export type NewAnalysis = Omit<Analysis, "id" | "createdAt">;

export interface NewProposal {
  readonly leadId: number;
  readonly userId: number;
  readonly analysisId: number;
  readonly type: ProposalType;
  readonly title: string;
  readonly content: string;
  readonly expiresAt: number;
}

export interface NewOffer {
  readonly leadId: number;
  readonly userId: number;
  readonly proposalId: number | null;
  readonly items: readonly OfferItem[];
  readonly coverLetter: string;
  readonly validUntil: number;
}

export interface NewEmail {
  readonly offerId: number;
  readonly userId: number;
  readonly recipient: string;
  readonly subject: string;
  readonly body: string;
  readonly providerMessageId: string;
}

export type NewScreenshot = Omit<Screenshot, "id" | "createdAt">;

export type NewBenchmark = Omit<Benchmark, "id" | "calculatedAt">;

export interface NewCertificateCheck {
  readonly leadId: number;
  readonly host: string;
  readonly status: CertificateStatus;
  readonly validUntil: number | null;
}

/** Rows removed by the weekly clean-up. */
export interface CleanUpCounts {
  readonly screenshots: number;
  readonly certificateChecks: number;
  readonly expiredProposals: number;
}

/**
 * The application's data, in the same database as its queues: SQLite (one file) or PostgreSQL
 * (one schema). Every method is one short statement or a few, so nothing holds a transaction
 * while a handler waits for the (simulated) outside world; handlers stay safe to run twice
 * through upserts and "already done" checks instead.
 */
export interface DomainStore {
  readonly kind: "sqlite" | "postgres" | "mysql";
  /** Where the data lives, without credentials (for logs and `debug` output). */
  readonly description: string;
  /** Creates the tables; idempotent, and safe when several processes start at once. */
  setup(): Promise<void>;
  /** Deletes every domain row (not the queues): what loading fixtures starts with. */
  purge(): Promise<void>;
  counts(): Promise<Record<DomainTable, number>>;
  close(): Promise<void>;

  insertUser(user: NewUser, now: number): Promise<User>;
  findUser(id: number): Promise<User | undefined>;

  /** Inserts the company, or returns the one with that IČO (its name and industry untouched). */
  ensureCompany(company: NewCompany, now: number): Promise<Company>;
  findCompany(id: number): Promise<Company | undefined>;
  findCompanyByIco(ico: string): Promise<Company | undefined>;
  /** Creates or updates the company with the register's data and marks it synced. */
  saveRegisterData(data: CompanyRegisterData, now: number): Promise<Company>;

  insertLead(lead: NewLead, now: number): Promise<Lead>;
  /** Inserts the lead unless one with the same website exists; returns it only when inserted. */
  insertLeadIfNew(lead: NewLead, now: number): Promise<Lead | undefined>;
  findLead(id: number): Promise<Lead | undefined>;
  listLeads(filter?: { readonly withWebsite?: boolean; readonly limit?: number }): Promise<Lead[]>;
  updateLead(id: number, changes: LeadChanges, now: number): Promise<void>;
  /** Stops e-mail to an address: every lead with it is suppressed and marked bounced. Returns how many. */
  suppressEmail(address: string, now: number): Promise<number>;

  insertAnalysis(analysis: NewAnalysis, now: number): Promise<Analysis>;
  findAnalysis(id: number): Promise<Analysis | undefined>;
  latestAnalysis(leadId: number): Promise<Analysis | undefined>;
  /** Analyses made in `[from, to)`, optionally of one industry. */
  listAnalyses(window: {
    readonly from: number;
    readonly to: number;
    readonly industry?: string | null;
  }): Promise<Analysis[]>;

  insertProposal(proposal: NewProposal, now: number): Promise<Proposal>;
  findProposal(id: number): Promise<Proposal | undefined>;
  latestProposal(leadId: number): Promise<Proposal | undefined>;
  /** Marks draft and sent proposals whose `expiresAt` is past as expired; returns how many. */
  expireProposals(now: number): Promise<number>;

  insertOffer(offer: NewOffer, now: number): Promise<Offer>;
  findOffer(id: number): Promise<Offer | undefined>;
  markOfferSent(id: number, now: number): Promise<void>;

  insertEmail(email: NewEmail, now: number): Promise<Email>;
  findEmail(id: number): Promise<Email | undefined>;
  findEmailByOffer(offerId: number): Promise<Email | undefined>;
  findEmailByProviderId(providerMessageId: string): Promise<Email | undefined>;
  updateEmailStatus(id: number, status: EmailStatus, detail: string | null, now: number): Promise<void>;

  insertScreenshot(screenshot: NewScreenshot, now: number): Promise<Screenshot>;
  listScreenshots(leadId: number): Promise<Screenshot[]>;

  /** Inserts or replaces the benchmark of (industry, period key). */
  saveBenchmark(benchmark: NewBenchmark, now: number): Promise<Benchmark>;
  listBenchmarks(periodKey?: string): Promise<Benchmark[]>;

  insertCertificateCheck(check: NewCertificateCheck, now: number): Promise<CertificateCheck>;
  listCertificateChecks(leadId?: number): Promise<CertificateCheck[]>;

  /** Removes screenshots and certificate checks made before `cutoff`, and proposals that expired before it. */
  deleteOlderThan(cutoff: number): Promise<CleanUpCounts>;

  /** Makes the next `calls` calls to a simulated outside system fail (0 ends the outage). */
  setOutage(system: string, calls: number): Promise<void>;
  /** Uses up one failing call of the system's outage; true when this call must fail. */
  takeOutage(system: string): Promise<boolean>;
  outages(): Promise<Record<string, number>>;
}
