import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import type { LeadgenSettings } from "../app/leadgen-settings.js";
import { CLOCK, LEADGEN_SETTINGS } from "../app/tokens.js";

/**
 * How long each simulated operation takes relative to the others, after the seed's table of
 * blocking operations (analysis 10–30 s, screenshot 30 s+, e-mail 2–5 s, AI generation 15–30 s+,
 * ARES 2–5 s per company, discovery 3–10 s per result), scaled down by `latencyMs`.
 */
export const LATENCY_WEIGHTS = {
  analysis: 1,
  screenshot: 1.5,
  email: 0.3,
  ai: 1.5,
  ares: 0.3,
  discoveryResult: 0.1,
  benchmark: 0.5,
  webhook: 0.1,
  certificate: 0.1,
} as const;
export type SimulatedOperation = keyof typeof LATENCY_WEIGHTS;

/** Makes the simulated outside world take time: `latencyMs × weight`, on the application's clock. */
@injectable()
export class Latency {
  constructor(
    @inject(LEADGEN_SETTINGS) private readonly settings: LeadgenSettings,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The milliseconds one operation takes. */
  of(operation: SimulatedOperation): number {
    return Math.round(this.settings.latencyMs * LATENCY_WEIGHTS[operation]);
  }

  async simulate(operation: SimulatedOperation): Promise<void> {
    const ms = this.of(operation);
    if (ms > 0) await this.clock.sleep(ms);
  }
}
