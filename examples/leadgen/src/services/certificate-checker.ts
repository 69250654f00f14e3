import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import { stableInt } from "../domain/stable-hash.js";
import { isReservedInvalidHost, parseWebsite } from "../domain/website.js";
import type { DomainStore } from "../store/domain-store.js";
import type { CertificateStatus } from "../store/records.js";
import { Latency } from "./latency.js";
import { OutageSimulator } from "./outage-simulator.js";

const DAY = 86_400_000;
/** Certificates are renewed every 90 days, like Let's Encrypt's. */
export const CERTIFICATE_LIFETIME_DAYS = 90;

export interface CertificateCheckSummary {
  readonly checked: number;
  readonly byStatus: Readonly<Record<CertificateStatus, number>>;
}

/**
 * The daily SSL-certificate check the seed left undone: looks at the certificate of every lead's
 * website and records whether it is valid, about to expire, expired, missing (plain http) or
 * unreachable. A failing certificate is a sales argument, so the check keeps a history.
 *
 * Simulated: each host renews on its own 90-day cycle (offset derived from the host name), and
 * one host in ten forgot its last renewal.
 */
@injectable()
export class CertificateChecker {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly latency: Latency,
    private readonly outages: OutageSimulator,
  ) {}

  async checkAll(warnDays = 14): Promise<CertificateCheckSummary> {
    if (!Number.isSafeInteger(warnDays) || warnDays < 0 || warnDays > CERTIFICATE_LIFETIME_DAYS) {
      throw new PermanentFailureError(
        "INVALID_WARN_DAYS",
        `Invalid warnDays ${JSON.stringify(warnDays)}: expected a whole number from 0 to ${CERTIFICATE_LIFETIME_DAYS}.`,
      );
    }
    await this.outages.check("website");
    const byStatus: Record<CertificateStatus, number> = {
      valid: 0,
      expiring: 0,
      expired: 0,
      no_https: 0,
      unreachable: 0,
    };
    let checked = 0;
    for (const lead of await this.store.listLeads({ withWebsite: true })) {
      let host: string;
      let https: boolean;
      try {
        ({ host, https } = parseWebsite(lead.website));
      } catch {
        continue; // A malformed website is the analysis's finding, not the certificate check's.
      }
      await this.latency.simulate("certificate");
      const now = this.clock.now();
      const { status, validUntil } = CertificateChecker.inspect(host, https, now, warnDays);
      await this.store.insertCertificateCheck({ leadId: lead.id, host, status, validUntil }, now);
      byStatus[status]++;
      checked++;
    }
    return { checked, byStatus };
  }

  /** What the simulated TLS handshake with `host` shows at `now`. */
  static inspect(
    host: string,
    https: boolean,
    now: number,
    warnDays: number,
  ): { status: CertificateStatus; validUntil: number | null } {
    if (isReservedInvalidHost(host)) return { status: "unreachable", validUntil: null };
    if (!https) return { status: "no_https", validUntil: null };
    const lifetime = CERTIFICATE_LIFETIME_DAYS * DAY;
    const offset = stableInt(0, CERTIFICATE_LIFETIME_DAYS - 1, host, "renewal") * DAY;
    const forgotRenewal = stableInt(0, 9, host, "forgot") === 0;
    // The end of the current cycle; a host that forgot is still on the previous certificate.
    const cycleEnd = Math.floor((now - offset) / lifetime) * lifetime + offset + lifetime;
    const validUntil = forgotRenewal ? cycleEnd - lifetime : cycleEnd;
    const left = validUntil - now;
    const status: CertificateStatus = left <= 0 ? "expired" : left < warnDays * DAY ? "expiring" : "valid";
    return { status, validUntil };
  }
}
