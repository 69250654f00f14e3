import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import { stableInt } from "../domain/stable-hash.js";
import { isReservedInvalidHost, parseWebsite } from "../domain/website.js";
import type { DomainStore } from "../store/domain-store.js";
import type { Analysis, AnalyzerFinding } from "../store/records.js";
import { Latency } from "./latency.js";
import { OutageSimulator } from "./outage-simulator.js";

/** The analysers run on every website, with the issue each reports below {@link ISSUE_THRESHOLD}. */
export const ANALYZERS = {
  performance: "Largest Contentful Paint over 4 s",
  seo_title: "Missing or duplicated <title>",
  meta_description: "No meta description",
  mobile_friendly: "No mobile viewport; the page is zoomed out on phones",
  https: "Served without a redirect to HTTPS",
  accessibility: "Images without alternative text",
  broken_links: "Broken internal links",
  image_optimization: "Uncompressed images",
  structured_data: "No schema.org markup",
  social_links: "No social profiles linked",
  contact_form: "No contact form",
  cookie_consent: "No cookie consent banner",
  page_weight: "Home page heavier than 3 MB",
  web_fonts: "Render-blocking web fonts",
  analytics: "No analytics installed",
  sitemap: "No sitemap.xml",
} as const;

export const ISSUE_THRESHOLD = 50;

/** What analysing a lead did. */
export type AnalysisOutcome =
  | { readonly status: "analyzed"; readonly analysis: Analysis }
  | {
      readonly status: "skipped";
      readonly reason: "industry_filter" | "already_analyzed";
      readonly analysis?: Analysis;
    };

/**
 * The seed's lead analyser: fetches the lead's website and runs the analysers on it. Here the
 * website is simulated: each analyser's score is derived from the URL, so a lead always gets the
 * same analysis.
 */
@injectable()
export class LeadAnalyzer {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly latency: Latency,
    private readonly outages: OutageSimulator,
  ) {}

  async analyze(
    leadId: number,
    options: { readonly reanalyze?: boolean; readonly industryFilter?: string | null } = {},
  ): Promise<AnalysisOutcome> {
    const lead = await this.store.findLead(leadId);
    if (!lead) throw new PermanentFailureError("LEAD_NOT_FOUND", `Lead ${leadId} does not exist.`);
    if (options.industryFilter != null && lead.industry !== options.industryFilter) {
      return { status: "skipped", reason: "industry_filter" };
    }
    if (!options.reanalyze) {
      const existing = await this.store.latestAnalysis(leadId);
      if (existing) return { status: "skipped", reason: "already_analyzed", analysis: existing };
    }
    if (lead.website === null) {
      throw new PermanentFailureError("LEAD_WITHOUT_WEBSITE", `Lead ${leadId} has no website to analyse.`);
    }
    const { score, findings, url } = await this.fetchAndEvaluate(lead.website);
    const analysis = await this.store.insertAnalysis(
      { leadId, url, score, industry: lead.industry, findings },
      this.clock.now(),
    );
    await this.store.updateLead(leadId, { status: "analyzed", score }, this.clock.now());
    return { status: "analyzed", analysis };
  }

  /** Fetches the page (simulated: latency, outages, dead domains) and evaluates it. */
  async fetchAndEvaluate(
    website: string,
  ): Promise<{ url: string; score: number; findings: AnalyzerFinding[] }> {
    const site = parseWebsite(website);
    if (isReservedInvalidHost(site.host)) {
      throw new PermanentFailureError(
        "WEBSITE_UNREACHABLE",
        `Website ${site.url} cannot be analysed: ${site.host} is on the reserved .invalid domain, which never resolves.`,
      );
    }
    await this.outages.check("website");
    await this.latency.simulate("analysis");
    return { url: site.url, ...LeadAnalyzer.evaluate(site.url) };
  }

  /** The analysers' verdict on a URL: the same URL always scores the same. */
  static evaluate(url: string): { score: number; findings: AnalyzerFinding[] } {
    const https = url.startsWith("https:");
    const findings = Object.entries(ANALYZERS).map(([analyzer, issue]): AnalyzerFinding => {
      const score = analyzer === "https" ? (https ? 100 : 0) : stableInt(0, 100, url, analyzer);
      return { analyzer, score, issue: score < ISSUE_THRESHOLD ? issue : null };
    });
    const score = Math.round(findings.reduce((sum, f) => sum + f.score, 0) / findings.length);
    return { score, findings };
  }
}
