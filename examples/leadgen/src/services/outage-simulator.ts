import { InvalidArgumentError } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { DOMAIN_STORE } from "../app/tokens.js";
import { TransientFailureError } from "../domain/transient-failure-error.js";
import type { DomainStore } from "../store/domain-store.js";

/** The simulated outside systems a service calls, and what each one stands for. */
export const EXTERNAL_SYSTEMS = {
  website: "the leads' websites (analysis, certificate check)",
  browser: "the headless browser (screenshots)",
  ses: "Amazon SES (sending e-mail)",
  ai: "the AI model (proposals and offers)",
  ares: "the ARES business register",
  discovery: "the discovery sources",
  analytics: "the analytics database (benchmarks)",
} as const;
export type ExternalSystem = keyof typeof EXTERNAL_SYSTEMS;

/**
 * Simulated outages: `simulate("ares", 2)` makes the next two calls to ARES fail with a
 * retryable error, in every process that shares the database (the count is a row of the domain
 * store), so a demo or a test can watch a message being retried and then succeed.
 */
@injectable()
export class OutageSimulator {
  constructor(@inject(DOMAIN_STORE) private readonly store: DomainStore) {}

  async simulate(system: ExternalSystem, failingCalls: number): Promise<void> {
    if (!Object.hasOwn(EXTERNAL_SYSTEMS, system)) {
      throw new InvalidArgumentError(
        `Unknown system ${JSON.stringify(system)}; systems: ${Object.keys(EXTERNAL_SYSTEMS).join(", ")}.`,
        { code: "UNKNOWN_SYSTEM" },
      );
    }
    await this.store.setOutage(system, Math.max(0, Math.trunc(failingCalls)));
  }

  /** Ends every outage, or one system's. */
  async clear(system?: ExternalSystem): Promise<void> {
    const systems = system === undefined ? Object.keys(EXTERNAL_SYSTEMS) : [system];
    for (const name of systems) await this.store.setOutage(name, 0);
  }

  /** Failing calls left, per system in an outage. */
  async remaining(): Promise<Record<string, number>> {
    return this.store.outages();
  }

  /** Called before each call to the system: throws while it is down. */
  async check(system: ExternalSystem): Promise<void> {
    if (await this.store.takeOutage(system)) {
      throw new TransientFailureError(
        `${system.toUpperCase()}_UNAVAILABLE`,
        `${EXTERNAL_SYSTEMS[system]} did not answer (simulated outage); try again later.`,
      );
    }
  }
}
