import type { BenchmarkPeriod } from "../domain/benchmark-period.js";
import type {
  CleanUpCounts,
  CompanyRegisterData,
  DomainStore,
  LeadChanges,
  NewAnalysis,
  NewBenchmark,
  NewCertificateCheck,
  NewCompany,
  NewEmail,
  NewLead,
  NewOffer,
  NewProposal,
  NewScreenshot,
  NewUser,
} from "./domain-store.js";
import {
  type Analysis,
  type AresStatus,
  type Benchmark,
  type CertificateCheck,
  type CertificateStatus,
  type Company,
  DOMAIN_TABLES,
  type DomainTable,
  type Email,
  type EmailStatus,
  type Lead,
  type LeadStatus,
  type Offer,
  type OfferStatus,
  type Proposal,
  type ProposalStatus,
  type ProposalType,
  type Screenshot,
  type User,
} from "./records.js";

/** A result row as the driver gives it. */
export type Row = Record<string, unknown>;

/**
 * Every query of the domain store, written once in the SQL both databases speak (`?`
 * placeholders, `ON CONFLICT`, `RETURNING`); the subclasses run it on their driver and create
 * the tables. PostgreSQL returns BIGINT as strings, so every number goes through {@link num}.
 */
export abstract class SqlDomainStore implements DomainStore {
  abstract readonly kind: "sqlite" | "postgres" | "mysql";
  abstract readonly description: string;

  /** The table name as SQL refers to it. */
  protected abstract table(name: DomainTable): string;
  /** Runs a statement and returns its rows (statements with RETURNING included). */
  protected abstract rows(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement and returns how many rows it changed. */
  protected abstract execute(sql: string, params?: readonly unknown[]): Promise<number>;

  abstract setup(): Promise<void>;
  abstract purge(): Promise<void>;
  abstract close(): Promise<void>;

  async counts(): Promise<Record<DomainTable, number>> {
    const columns = DOMAIN_TABLES.map((name) => `(SELECT count(*) FROM ${this.table(name)}) AS ${name}`);
    const [row] = await this.rows(`SELECT ${columns.join(", ")}`);
    return Object.fromEntries(DOMAIN_TABLES.map((name) => [name, num(row![name])])) as Record<
      DomainTable,
      number
    >;
  }

  async insertUser(user: NewUser, now: number): Promise<User> {
    return toUser(
      await this.one(
        `INSERT INTO ${this.table("users")} (name, email, created_at) VALUES (?, ?, ?) RETURNING *`,
        [user.name, user.email, now],
      ),
    );
  }

  async findUser(id: number): Promise<User | undefined> {
    return this.maybe(`SELECT * FROM ${this.table("users")} WHERE id = ?`, [id], toUser);
  }

  async ensureCompany(company: NewCompany, now: number): Promise<Company> {
    await this.execute(
      `INSERT INTO ${this.table("companies")} (ico, name, industry, ares_status, created_at)
       VALUES (?, ?, ?, 'pending', ?) ON CONFLICT (ico) DO NOTHING`,
      [company.ico, company.name, company.industry ?? null, now],
    );
    return (await this.findCompanyByIco(company.ico))!;
  }

  async findCompany(id: number): Promise<Company | undefined> {
    return this.maybe(`SELECT * FROM ${this.table("companies")} WHERE id = ?`, [id], toCompany);
  }

  async findCompanyByIco(ico: string): Promise<Company | undefined> {
    return this.maybe(`SELECT * FROM ${this.table("companies")} WHERE ico = ?`, [ico], toCompany);
  }

  async saveRegisterData(data: CompanyRegisterData, now: number): Promise<Company> {
    return toCompany(
      await this.one(
        `INSERT INTO ${this.table("companies")}
           (ico, name, legal_form, address, vat_id, employees, ares_status, ares_synced_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'synced', ?, ?)
         ON CONFLICT (ico) DO UPDATE SET name = excluded.name, legal_form = excluded.legal_form,
           address = excluded.address, vat_id = excluded.vat_id, employees = excluded.employees,
           ares_status = 'synced', ares_synced_at = excluded.ares_synced_at
         RETURNING *`,
        [data.ico, data.name, data.legalForm, data.address, data.vatId, data.employees, now, now],
      ),
    );
  }

  async insertLead(lead: NewLead, now: number): Promise<Lead> {
    return toLead(await this.one(`${this.#insertLeadSql()} RETURNING *`, leadValues(lead, now)));
  }

  async insertLeadIfNew(lead: NewLead, now: number): Promise<Lead | undefined> {
    const [row] = await this.rows(
      `${this.#insertLeadSql()} ON CONFLICT (website) DO NOTHING RETURNING *`,
      leadValues(lead, now),
    );
    return row ? toLead(row) : undefined;
  }

  #insertLeadSql(): string {
    return `INSERT INTO ${this.table("leads")}
      (company_id, name, website, email, industry, source, status, email_suppressed, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, 'new', 0, ?, ?)`;
  }

  async findLead(id: number): Promise<Lead | undefined> {
    return this.maybe(`SELECT * FROM ${this.table("leads")} WHERE id = ?`, [id], toLead);
  }

  async listLeads(filter: { readonly withWebsite?: boolean; readonly limit?: number } = {}): Promise<Lead[]> {
    const where = filter.withWebsite ? "WHERE website IS NOT NULL" : "";
    const limit = filter.limit === undefined ? "" : "LIMIT ?";
    const rows = await this.rows(
      `SELECT * FROM ${this.table("leads")} ${where} ORDER BY id ${limit}`,
      filter.limit === undefined ? [] : [filter.limit],
    );
    return rows.map(toLead);
  }

  async updateLead(id: number, changes: LeadChanges, now: number): Promise<void> {
    const columns = { status: changes.status, score: changes.score, company_id: changes.companyId };
    const changed = Object.entries(columns).filter(([, value]) => value !== undefined);
    const sets = [...changed.map(([column]) => `${column} = ?`), "updated_at = ?"];
    await this.execute(`UPDATE ${this.table("leads")} SET ${sets.join(", ")} WHERE id = ?`, [
      ...changed.map(([, value]) => value),
      now,
      id,
    ]);
  }

  async suppressEmail(address: string, now: number): Promise<number> {
    return this.execute(
      `UPDATE ${this.table("leads")} SET email_suppressed = 1, status = 'bounced', updated_at = ?
       WHERE lower(email) = lower(?)`,
      [now, address],
    );
  }

  async insertAnalysis(analysis: NewAnalysis, now: number): Promise<Analysis> {
    return toAnalysis(
      await this.one(
        `INSERT INTO ${this.table("analyses")} (lead_id, url, score, industry, findings, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          analysis.leadId,
          analysis.url,
          analysis.score,
          analysis.industry,
          JSON.stringify(analysis.findings),
          now,
        ],
      ),
    );
  }

  async findAnalysis(id: number): Promise<Analysis | undefined> {
    return this.maybe(`SELECT * FROM ${this.table("analyses")} WHERE id = ?`, [id], toAnalysis);
  }

  async latestAnalysis(leadId: number): Promise<Analysis | undefined> {
    return this.maybe(
      `SELECT * FROM ${this.table("analyses")} WHERE lead_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
      [leadId],
      toAnalysis,
    );
  }

  async listAnalyses(window: {
    readonly from: number;
    readonly to: number;
    readonly industry?: string | null;
  }): Promise<Analysis[]> {
    const byIndustry = window.industry == null ? "" : "AND industry = ?";
    const rows = await this.rows(
      `SELECT * FROM ${this.table("analyses")} WHERE created_at >= ? AND created_at < ? ${byIndustry} ORDER BY id`,
      window.industry == null ? [window.from, window.to] : [window.from, window.to, window.industry],
    );
    return rows.map(toAnalysis);
  }

  async insertProposal(proposal: NewProposal, now: number): Promise<Proposal> {
    return toProposal(
      await this.one(
        `INSERT INTO ${this.table("proposals")}
           (lead_id, user_id, analysis_id, type, title, content, status, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING *`,
        [
          proposal.leadId,
          proposal.userId,
          proposal.analysisId,
          proposal.type,
          proposal.title,
          proposal.content,
          now,
          proposal.expiresAt,
        ],
      ),
    );
  }

  async findProposal(id: number): Promise<Proposal | undefined> {
    return this.maybe(`SELECT * FROM ${this.table("proposals")} WHERE id = ?`, [id], toProposal);
  }

  async latestProposal(leadId: number): Promise<Proposal | undefined> {
    return this.maybe(
      `SELECT * FROM ${this.table("proposals")} WHERE lead_id = ? ORDER BY id DESC LIMIT 1`,
      [leadId],
      toProposal,
    );
  }

  async expireProposals(now: number): Promise<number> {
    return this.execute(
      `UPDATE ${this.table("proposals")} SET status = 'expired' WHERE status IN ('draft', 'sent') AND expires_at <= ?`,
      [now],
    );
  }

  async insertOffer(offer: NewOffer, now: number): Promise<Offer> {
    const total = offer.items.reduce((sum, item) => sum + item.priceCzk, 0);
    return toOffer(
      await this.one(
        `INSERT INTO ${this.table("offers")}
           (lead_id, user_id, proposal_id, items, total_czk, cover_letter, status, created_at, valid_until)
         VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING *`,
        [
          offer.leadId,
          offer.userId,
          offer.proposalId,
          JSON.stringify(offer.items),
          total,
          offer.coverLetter,
          now,
          offer.validUntil,
        ],
      ),
    );
  }

  async findOffer(id: number): Promise<Offer | undefined> {
    return this.maybe(`SELECT * FROM ${this.table("offers")} WHERE id = ?`, [id], toOffer);
  }

  async markOfferSent(id: number, now: number): Promise<void> {
    await this.execute(`UPDATE ${this.table("offers")} SET status = 'sent', sent_at = ? WHERE id = ?`, [
      now,
      id,
    ]);
  }

  async insertEmail(email: NewEmail, now: number): Promise<Email> {
    return toEmail(
      await this.one(
        `INSERT INTO ${this.table("emails")}
           (offer_id, user_id, recipient, subject, body, provider_message_id, status, sent_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'sent', ?, ?) RETURNING *`,
        [
          email.offerId,
          email.userId,
          email.recipient,
          email.subject,
          email.body,
          email.providerMessageId,
          now,
          now,
        ],
      ),
    );
  }

  async findEmail(id: number): Promise<Email | undefined> {
    return this.maybe(`SELECT * FROM ${this.table("emails")} WHERE id = ?`, [id], toEmail);
  }

  async findEmailByOffer(offerId: number): Promise<Email | undefined> {
    return this.maybe(
      `SELECT * FROM ${this.table("emails")} WHERE offer_id = ? ORDER BY id DESC LIMIT 1`,
      [offerId],
      toEmail,
    );
  }

  async findEmailByProviderId(providerMessageId: string): Promise<Email | undefined> {
    return this.maybe(
      `SELECT * FROM ${this.table("emails")} WHERE provider_message_id = ?`,
      [providerMessageId],
      toEmail,
    );
  }

  async updateEmailStatus(
    id: number,
    status: EmailStatus,
    detail: string | null,
    now: number,
  ): Promise<void> {
    await this.execute(
      `UPDATE ${this.table("emails")} SET status = ?, status_detail = ?, updated_at = ? WHERE id = ?`,
      [status, detail, now, id],
    );
  }

  async insertScreenshot(screenshot: NewScreenshot, now: number): Promise<Screenshot> {
    return toScreenshot(
      await this.one(
        `INSERT INTO ${this.table("screenshots")} (lead_id, url, width, height, image, sha256, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          screenshot.leadId,
          screenshot.url,
          screenshot.width,
          screenshot.height,
          screenshot.image,
          screenshot.sha256,
          now,
        ],
      ),
    );
  }

  async listScreenshots(leadId: number): Promise<Screenshot[]> {
    const rows = await this.rows(`SELECT * FROM ${this.table("screenshots")} WHERE lead_id = ? ORDER BY id`, [
      leadId,
    ]);
    return rows.map(toScreenshot);
  }

  async saveBenchmark(benchmark: NewBenchmark, now: number): Promise<Benchmark> {
    return toBenchmark(
      await this.one(
        `INSERT INTO ${this.table("benchmarks")}
           (industry, period, period_key, period_start, period_end, leads_analyzed,
            average_score, median_score, p90_score, calculated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (industry, period_key) DO UPDATE SET period = excluded.period,
           period_start = excluded.period_start, period_end = excluded.period_end,
           leads_analyzed = excluded.leads_analyzed, average_score = excluded.average_score,
           median_score = excluded.median_score, p90_score = excluded.p90_score,
           calculated_at = excluded.calculated_at
         RETURNING *`,
        [
          benchmark.industry,
          benchmark.period,
          benchmark.periodKey,
          benchmark.periodStart,
          benchmark.periodEnd,
          benchmark.leadsAnalyzed,
          benchmark.averageScore,
          benchmark.medianScore,
          benchmark.p90Score,
          now,
        ],
      ),
    );
  }

  async listBenchmarks(periodKey?: string): Promise<Benchmark[]> {
    const rows = await this.rows(
      `SELECT * FROM ${this.table("benchmarks")} ${periodKey === undefined ? "" : "WHERE period_key = ?"}
       ORDER BY period_key, industry`,
      periodKey === undefined ? [] : [periodKey],
    );
    return rows.map(toBenchmark);
  }

  async insertCertificateCheck(check: NewCertificateCheck, now: number): Promise<CertificateCheck> {
    return toCertificateCheck(
      await this.one(
        `INSERT INTO ${this.table("certificate_checks")} (lead_id, host, status, valid_until, checked_at)
         VALUES (?, ?, ?, ?, ?) RETURNING *`,
        [check.leadId, check.host, check.status, check.validUntil, now],
      ),
    );
  }

  async listCertificateChecks(leadId?: number): Promise<CertificateCheck[]> {
    const rows = await this.rows(
      `SELECT * FROM ${this.table("certificate_checks")} ${leadId === undefined ? "" : "WHERE lead_id = ?"} ORDER BY id`,
      leadId === undefined ? [] : [leadId],
    );
    return rows.map(toCertificateCheck);
  }

  async deleteOlderThan(cutoff: number): Promise<CleanUpCounts> {
    const screenshots = await this.execute(`DELETE FROM ${this.table("screenshots")} WHERE created_at < ?`, [
      cutoff,
    ]);
    const certificateChecks = await this.execute(
      `DELETE FROM ${this.table("certificate_checks")} WHERE checked_at < ?`,
      [cutoff],
    );
    const expiredProposals = await this.execute(
      `DELETE FROM ${this.table("proposals")} WHERE status = 'expired' AND expires_at < ?`,
      [cutoff],
    );
    return { screenshots, certificateChecks, expiredProposals };
  }

  async setOutage(system: string, calls: number): Promise<void> {
    if (calls <= 0) {
      await this.execute(`DELETE FROM ${this.table("outages")} WHERE system = ?`, [system]);
      return;
    }
    await this.execute(
      `INSERT INTO ${this.table("outages")} (system, remaining) VALUES (?, ?)
       ON CONFLICT (system) DO UPDATE SET remaining = excluded.remaining`,
      [system, calls],
    );
  }

  async takeOutage(system: string): Promise<boolean> {
    // One statement: two workers failing at once cannot both use up the last failing call.
    const rows = await this.rows(
      `UPDATE ${this.table("outages")} SET remaining = remaining - 1 WHERE system = ? AND remaining > 0 RETURNING remaining`,
      [system],
    );
    return rows.length > 0;
  }

  async outages(): Promise<Record<string, number>> {
    const rows = await this.rows(
      `SELECT system, remaining FROM ${this.table("outages")} WHERE remaining > 0 ORDER BY system`,
    );
    return Object.fromEntries(rows.map((row) => [String(row.system), num(row.remaining)]));
  }

  protected async one(sql: string, params: readonly unknown[]): Promise<Row> {
    const [row] = await this.rows(sql, params);
    if (!row) throw new Error(`Statement returned no row: ${sql.split("\n")[0]}`);
    return row;
  }

  protected async maybe<T>(
    sql: string,
    params: readonly unknown[],
    map: (row: Row) => T,
  ): Promise<T | undefined> {
    const [row] = await this.rows(sql, params);
    return row ? map(row) : undefined;
  }
}

function leadValues(lead: NewLead, now: number): unknown[] {
  return [
    lead.companyId ?? null,
    lead.name,
    lead.website ?? null,
    lead.email ?? null,
    lead.industry ?? null,
    lead.source,
    now,
    now,
  ];
}

/** A number column (BIGINT arrives as a string from PostgreSQL). */
export function num(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

function str(value: unknown): string {
  return String(value);
}

function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function json<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

function toUser(r: Row): User {
  return { id: num(r.id), name: str(r.name), email: str(r.email), createdAt: num(r.created_at) };
}

function toCompany(r: Row): Company {
  return {
    id: num(r.id),
    ico: str(r.ico),
    name: str(r.name),
    legalForm: strOrNull(r.legal_form),
    address: strOrNull(r.address),
    vatId: strOrNull(r.vat_id),
    industry: strOrNull(r.industry),
    employees: numOrNull(r.employees),
    aresStatus: str(r.ares_status) as AresStatus,
    aresSyncedAt: numOrNull(r.ares_synced_at),
    createdAt: num(r.created_at),
  };
}

function toLead(r: Row): Lead {
  return {
    id: num(r.id),
    companyId: numOrNull(r.company_id),
    name: str(r.name),
    website: strOrNull(r.website),
    email: strOrNull(r.email),
    industry: strOrNull(r.industry),
    source: str(r.source),
    status: str(r.status) as LeadStatus,
    score: numOrNull(r.score),
    emailSuppressed: num(r.email_suppressed) === 1,
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function toAnalysis(r: Row): Analysis {
  return {
    id: num(r.id),
    leadId: num(r.lead_id),
    url: str(r.url),
    score: num(r.score),
    industry: strOrNull(r.industry),
    findings: json(r.findings),
    createdAt: num(r.created_at),
  };
}

function toProposal(r: Row): Proposal {
  return {
    id: num(r.id),
    leadId: num(r.lead_id),
    userId: num(r.user_id),
    analysisId: num(r.analysis_id),
    type: str(r.type) as ProposalType,
    title: str(r.title),
    content: str(r.content),
    status: str(r.status) as ProposalStatus,
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
  };
}

function toOffer(r: Row): Offer {
  return {
    id: num(r.id),
    leadId: num(r.lead_id),
    userId: num(r.user_id),
    proposalId: numOrNull(r.proposal_id),
    items: json(r.items),
    totalCzk: num(r.total_czk),
    coverLetter: str(r.cover_letter),
    status: str(r.status) as OfferStatus,
    createdAt: num(r.created_at),
    validUntil: num(r.valid_until),
    sentAt: numOrNull(r.sent_at),
  };
}

function toEmail(r: Row): Email {
  return {
    id: num(r.id),
    offerId: num(r.offer_id),
    userId: num(r.user_id),
    recipient: str(r.recipient),
    subject: str(r.subject),
    body: str(r.body),
    providerMessageId: str(r.provider_message_id),
    status: str(r.status) as EmailStatus,
    statusDetail: strOrNull(r.status_detail),
    sentAt: num(r.sent_at),
    updatedAt: num(r.updated_at),
  };
}

function toScreenshot(r: Row): Screenshot {
  return {
    id: num(r.id),
    leadId: num(r.lead_id),
    url: str(r.url),
    width: num(r.width),
    height: num(r.height),
    image: str(r.image),
    sha256: str(r.sha256),
    createdAt: num(r.created_at),
  };
}

function toBenchmark(r: Row): Benchmark {
  return {
    id: num(r.id),
    industry: str(r.industry),
    period: str(r.period) as BenchmarkPeriod,
    periodKey: str(r.period_key),
    periodStart: num(r.period_start),
    periodEnd: num(r.period_end),
    leadsAnalyzed: num(r.leads_analyzed),
    averageScore: numOrNull(r.average_score),
    medianScore: numOrNull(r.median_score),
    p90Score: numOrNull(r.p90_score),
    calculatedAt: num(r.calculated_at),
  };
}

function toCertificateCheck(r: Row): CertificateCheck {
  return {
    id: num(r.id),
    leadId: num(r.lead_id),
    host: str(r.host),
    status: str(r.status) as CertificateStatus,
    validUntil: numOrNull(r.valid_until),
    checkedAt: num(r.checked_at),
  };
}
