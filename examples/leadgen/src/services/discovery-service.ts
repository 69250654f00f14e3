import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { DISCOVERY_SOURCES, type DiscoverySource, MAX_DISCOVERY_LIMIT } from "../domain/discovery-sources.js";
import { icoFromNumber } from "../domain/ico.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import { stableHash, stablePick } from "../domain/stable-hash.js";
import type { DomainStore } from "../store/domain-store.js";
import type { Lead } from "../store/records.js";
import { Latency } from "./latency.js";
import { OutageSimulator } from "./outage-simulator.js";

/** Query words that name an industry (Czech, without diacritics, as people type them). */
const INDUSTRY_WORDS: Record<string, string> = {
  restaurace: "restaurants",
  kavarna: "cafes",
  pekarna: "bakeries",
  autoservis: "car_services",
  stavebni: "construction",
  stavby: "construction",
  zubni: "healthcare",
  ordinace: "healthcare",
  kadernictvi: "beauty",
  hotel: "hospitality",
  eshop: "retail",
  obchod: "retail",
};
const INDUSTRIES = [...new Set(Object.values(INDUSTRY_WORDS))].sort();
const FIRST = ["U Mostu", "Na Rohu", "Zlatý", "Modrá", "Stará", "Nová", "Horní", "Dolní", "Malá", "Velká"];
const SECOND = ["Novák", "Dvořák", "Kříž", "Lípa", "Kotva", "Hvězda", "Brána", "Zahrada"];

/** A company a source returned. */
export interface DiscoveredCompany {
  readonly name: string;
  readonly website: string;
  readonly email: string;
  readonly industry: string;
  readonly ico: string;
}

export interface DiscoveryOutcome {
  readonly source: DiscoverySource;
  readonly query: string;
  /** Results the source returned. */
  readonly found: number;
  /** Leads that were new (the others' websites were already known). */
  readonly created: readonly Lead[];
}

/**
 * The seed's discovery over eight sources (catalogues, maps, search, the register, social
 * networks, a crawler). Simulated: a source returns `limit` companies derived from the source,
 * the query and the result's position, so the same search finds the same companies again and
 * only the first time creates leads.
 */
@injectable()
export class DiscoveryService {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly latency: Latency,
    private readonly outages: OutageSimulator,
  ) {}

  async discover(source: string, query: string, limit: number): Promise<DiscoveryOutcome> {
    const checked = assertDiscoverySource(source);
    if (typeof query !== "string" || query.trim() === "") {
      throw new PermanentFailureError("EMPTY_QUERY", `Discovery on ${source} needs a non-empty query.`);
    }
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_DISCOVERY_LIMIT) {
      throw new PermanentFailureError(
        "INVALID_LIMIT",
        `Invalid discovery limit ${JSON.stringify(limit)}: expected a whole number from 1 to ${MAX_DISCOVERY_LIMIT}.`,
      );
    }
    await this.outages.check("discovery");
    // Fetch every result first, then write: a source failing half-way leaves nothing half-done.
    const results: DiscoveredCompany[] = [];
    for (let position = 0; position < limit; position++) {
      await this.latency.simulate("discoveryResult");
      results.push(DiscoveryService.resultOf(checked, query, position));
    }
    const created: Lead[] = [];
    for (const result of results) {
      const now = this.clock.now();
      const company = await this.store.ensureCompany(
        { ico: result.ico, name: result.name, industry: result.industry },
        now,
      );
      const lead = await this.store.insertLeadIfNew(
        {
          companyId: company.id,
          name: result.name,
          website: result.website,
          email: result.email,
          industry: result.industry,
          source: checked,
        },
        now,
      );
      if (lead) created.push(lead);
    }
    return { source: checked, query, found: results.length, created };
  }

  /** The company at `position` of a source's results for a query. */
  static resultOf(source: DiscoverySource, query: string, position: number): DiscoveredCompany {
    const words = query
      .normalize("NFD")
      .replace(/\p{Diacritic}/gu, "")
      .toLowerCase()
      .split(/\s+/);
    const industry =
      words.map((word) => INDUSTRY_WORDS[word]).find((found) => found !== undefined) ??
      stablePick(INDUSTRIES, source, query, position, "industry");
    const name = `${stablePick(FIRST, source, query, position, "first")} ${stablePick(SECOND, source, query, position, "second")}`;
    const number = stableHash(source, query, position) % 100_000;
    const slug = `${name}-${number}`
      .normalize("NFD")
      .replace(/\p{Diacritic}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-");
    return {
      name: `${name} s.r.o.`,
      website: `https://${slug}.cz/`,
      email: `info@${slug}.cz`,
      industry,
      ico: icoFromNumber(stableHash(source, query, position, "ico")),
    };
  }
}

export function assertDiscoverySource(source: unknown): DiscoverySource {
  if (!DISCOVERY_SOURCES.includes(source as DiscoverySource)) {
    throw new PermanentFailureError(
      "UNKNOWN_DISCOVERY_SOURCE",
      `Unknown discovery source ${JSON.stringify(source)}; sources: ${DISCOVERY_SOURCES.join(", ")}.`,
    );
  }
  return source as DiscoverySource;
}
