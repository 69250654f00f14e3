import type { Clock } from "@messenger-ts/core";
import { inject, injectable } from "tsyringe";
import { CLOCK, DOMAIN_STORE } from "../app/tokens.js";
import { assertBenchmarkPeriod, lastCompletePeriod } from "../domain/benchmark-period.js";
import type { DomainStore } from "../store/domain-store.js";
import type { Benchmark } from "../store/records.js";
import { Latency } from "./latency.js";
import { OutageSimulator } from "./outage-simulator.js";

/** The industry of the benchmark over all industries. */
export const ALL_INDUSTRIES = "*";

/**
 * The seed's benchmark calculation (weekly on the schedule): the average, median and 90th
 * percentile of the analysis scores of the last complete period, per industry and over all of
 * them, so a lead's score can be compared with its industry's. Recalculating a period replaces it.
 */
@injectable()
export class BenchmarkCalculator {
  constructor(
    @inject(DOMAIN_STORE) private readonly store: DomainStore,
    @inject(CLOCK) private readonly clock: Clock,
    private readonly latency: Latency,
    private readonly outages: OutageSimulator,
  ) {}

  async calculate(period: string, industry: string | null = null): Promise<Benchmark[]> {
    const window = lastCompletePeriod(assertBenchmarkPeriod(period), this.clock.now());
    await this.outages.check("analytics");
    await this.latency.simulate("benchmark");
    const analyses = await this.store.listAnalyses({ from: window.start, to: window.end, industry });
    const groups = new Map<string, number[]>();
    if (industry === null)
      groups.set(
        ALL_INDUSTRIES,
        analyses.map((a) => a.score),
      );
    else groups.set(industry, []);
    for (const analysis of analyses) {
      const key = analysis.industry ?? "unknown";
      if (industry !== null && key !== industry) continue;
      groups.set(key, [...(groups.get(key) ?? []), analysis.score]);
    }
    const saved: Benchmark[] = [];
    for (const [name, scores] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...scores].sort((a, b) => a - b);
      saved.push(
        await this.store.saveBenchmark(
          {
            industry: name,
            period: window.period,
            periodKey: window.key,
            periodStart: window.start,
            periodEnd: window.end,
            leadsAnalyzed: sorted.length,
            averageScore:
              sorted.length === 0 ? null : round(sorted.reduce((s, x) => s + x, 0) / sorted.length),
            medianScore: percentile(sorted, 0.5),
            p90Score: percentile(sorted, 0.9),
          },
          this.clock.now(),
        ),
      );
    }
    return saved;
  }
}

/** Linear interpolation between the closest ranks; null for no scores. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return round(sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
