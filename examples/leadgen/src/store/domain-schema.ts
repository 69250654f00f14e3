import type { DomainTable } from "./records.js";

/** The column types that differ between SQLite and PostgreSQL. */
export interface SchemaDialect {
  /** An auto-numbered primary key column. */
  readonly id: string;
  /** A floating-point column. */
  readonly real: string;
  /** A table name as SQL refers to it (schema-qualified on PostgreSQL). */
  table(name: DomainTable): string;
}

/**
 * The domain tables, as idempotent DDL. Times are epoch milliseconds in BIGINT columns (64-bit
 * integers in both databases), JSON is TEXT, booleans are 0/1: the same statements and the same
 * row mapping serve both databases.
 */
export function domainSchema(d: SchemaDialect): string[] {
  const t = (name: DomainTable) => d.table(name);
  return [
    `CREATE TABLE IF NOT EXISTS ${t("users")} (
      id ${d.id}, name TEXT NOT NULL, email TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${t("companies")} (
      id ${d.id}, ico TEXT NOT NULL UNIQUE, name TEXT NOT NULL, legal_form TEXT, address TEXT, vat_id TEXT,
      industry TEXT, employees INTEGER, ares_status TEXT NOT NULL DEFAULT 'pending', ares_synced_at BIGINT,
      created_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${t("leads")} (
      id ${d.id}, company_id BIGINT REFERENCES ${t("companies")} (id) ON DELETE SET NULL,
      name TEXT NOT NULL, website TEXT UNIQUE, email TEXT, industry TEXT, source TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'new', score INTEGER, email_suppressed INTEGER NOT NULL DEFAULT 0,
      created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${t("analyses")} (
      id ${d.id}, lead_id BIGINT NOT NULL REFERENCES ${t("leads")} (id) ON DELETE CASCADE,
      url TEXT NOT NULL, score INTEGER NOT NULL, industry TEXT, findings TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS leadgen_analyses_lead_idx ON ${t("analyses")} (lead_id, created_at)`,
    `CREATE INDEX IF NOT EXISTS leadgen_analyses_created_idx ON ${t("analyses")} (created_at)`,
    `CREATE TABLE IF NOT EXISTS ${t("proposals")} (
      id ${d.id}, lead_id BIGINT NOT NULL REFERENCES ${t("leads")} (id) ON DELETE CASCADE,
      user_id BIGINT NOT NULL REFERENCES ${t("users")} (id),
      analysis_id BIGINT NOT NULL REFERENCES ${t("analyses")} (id) ON DELETE CASCADE,
      type TEXT NOT NULL, title TEXT NOT NULL, content TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'draft',
      created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS leadgen_proposals_lead_idx ON ${t("proposals")} (lead_id)`,
    `CREATE INDEX IF NOT EXISTS leadgen_proposals_expiry_idx ON ${t("proposals")} (status, expires_at)`,
    `CREATE TABLE IF NOT EXISTS ${t("offers")} (
      id ${d.id}, lead_id BIGINT NOT NULL REFERENCES ${t("leads")} (id) ON DELETE CASCADE,
      user_id BIGINT NOT NULL REFERENCES ${t("users")} (id),
      proposal_id BIGINT REFERENCES ${t("proposals")} (id) ON DELETE SET NULL,
      items TEXT NOT NULL, total_czk INTEGER NOT NULL, cover_letter TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'draft', created_at BIGINT NOT NULL, valid_until BIGINT NOT NULL, sent_at BIGINT)`,
    `CREATE TABLE IF NOT EXISTS ${t("emails")} (
      id ${d.id}, offer_id BIGINT NOT NULL REFERENCES ${t("offers")} (id) ON DELETE CASCADE,
      user_id BIGINT NOT NULL REFERENCES ${t("users")} (id),
      recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
      provider_message_id TEXT NOT NULL UNIQUE, status TEXT NOT NULL DEFAULT 'sent', status_detail TEXT,
      sent_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS leadgen_emails_offer_idx ON ${t("emails")} (offer_id)`,
    `CREATE TABLE IF NOT EXISTS ${t("screenshots")} (
      id ${d.id}, lead_id BIGINT NOT NULL REFERENCES ${t("leads")} (id) ON DELETE CASCADE,
      url TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL, image TEXT NOT NULL,
      sha256 TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS leadgen_screenshots_lead_idx ON ${t("screenshots")} (lead_id)`,
    `CREATE INDEX IF NOT EXISTS leadgen_screenshots_created_idx ON ${t("screenshots")} (created_at)`,
    `CREATE TABLE IF NOT EXISTS ${t("benchmarks")} (
      id ${d.id}, industry TEXT NOT NULL, period TEXT NOT NULL, period_key TEXT NOT NULL,
      period_start BIGINT NOT NULL, period_end BIGINT NOT NULL, leads_analyzed INTEGER NOT NULL,
      average_score ${d.real}, median_score ${d.real}, p90_score ${d.real}, calculated_at BIGINT NOT NULL,
      UNIQUE (industry, period_key))`,
    `CREATE TABLE IF NOT EXISTS ${t("certificate_checks")} (
      id ${d.id}, lead_id BIGINT NOT NULL REFERENCES ${t("leads")} (id) ON DELETE CASCADE,
      host TEXT NOT NULL, status TEXT NOT NULL, valid_until BIGINT, checked_at BIGINT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS leadgen_certificate_checks_lead_idx ON ${t("certificate_checks")} (lead_id)`,
    `CREATE INDEX IF NOT EXISTS leadgen_certificate_checks_checked_idx ON ${t("certificate_checks")} (checked_at)`,
    `CREATE TABLE IF NOT EXISTS ${t("outages")} (system TEXT PRIMARY KEY, remaining INTEGER NOT NULL)`,
  ];
}
