import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import type { DomainStore } from "../store/domain-store.js";

/** The daily expiry of proposals the seed left undone: proposals past `expiresAt` become expired. */
@injectable()
export class ProposalExpiryService {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns how many proposals expired. */
  async expire(): Promise<number> {
    return this.store.expireProposals(this.clock.now());
  }
}
