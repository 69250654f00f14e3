import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { assertIco } from "../domain/ico.js";
import { LeadgenError } from "../domain/leadgen-error.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import { TransientFailureError } from "../domain/transient-failure-error.js";
import type { DomainStore } from "../store/domain-store.js";
import type { Company } from "../store/records.js";
import { AresClient } from "./ares-client.js";

/** Most company ids one sync message may carry. */
export const MAX_ICOS_PER_SYNC = 100;

/**
 * Copies companies' data from ARES into the store (the seed's `app:company:sync-ares`). Every IČO
 * is checked before ARES is asked anything; each company is saved as soon as ARES answers, and
 * the IČOs ARES did not answer for fail the sync afterwards, so a retry repeats only harmless
 * updates.
 */
@injectable()
export class AresSyncService {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly ares: AresClient,
  ) {}

  async sync(icos: readonly string[]): Promise<Company[]> {
    if (!Array.isArray(icos) || icos.length === 0 || icos.length > MAX_ICOS_PER_SYNC) {
      throw new PermanentFailureError(
        "INVALID_ICO_LIST",
        `A sync needs 1 to ${MAX_ICOS_PER_SYNC} IČOs, got ${Array.isArray(icos) ? icos.length : JSON.stringify(icos)}.`,
      );
    }
    for (const ico of icos) assertIco(ico);
    const synced: Company[] = [];
    const failed: { ico: string; error: LeadgenError }[] = [];
    for (const ico of new Set(icos)) {
      try {
        synced.push(await this.store.saveRegisterData(await this.ares.fetchCompany(ico), this.clock.now()));
      } catch (error) {
        if (!(error instanceof TransientFailureError)) throw error;
        failed.push({ ico, error });
      }
    }
    if (failed.length > 0) {
      throw new TransientFailureError(
        failed[0]!.error.code,
        `ARES did not answer for IČO ${failed.map((f) => f.ico).join(", ")} (${synced.length} of ${new Set(icos).size} synced): ${failed[0]!.error.message}`,
        { cause: failed[0]!.error },
      );
    }
    return synced;
  }
}
