import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { PermanentFailureError } from "../domain/permanent-failure-error.js";
import type { CleanUpCounts, DomainStore } from "../store/domain-store.js";

const DAY = 86_400_000;

/**
 * The weekly clean-up of old data the seed left undone: screenshots and certificate checks older
 * than the retention, and proposals that expired before it. Leads, offers and e-mails are kept:
 * they are the sales history.
 */
@injectable()
export class DataCleanupService {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async cleanUp(retentionDays = 180): Promise<CleanUpCounts> {
    if (!Number.isSafeInteger(retentionDays) || retentionDays < 1) {
      throw new PermanentFailureError(
        "INVALID_RETENTION",
        `Invalid retentionDays ${JSON.stringify(retentionDays)}: expected a whole number of days >= 1.`,
      );
    }
    return this.store.deleteOlderThan(this.clock.now() - retentionDays * DAY);
  }
}
