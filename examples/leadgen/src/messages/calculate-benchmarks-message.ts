import { AsMessage } from "@messenger-ts/core";
import { AsSymfonyMessage } from "@messenger-ts/symfony";

/** Computes industry score benchmarks over the last complete period (weekly on the schedule). Queue: low_priority. */
@AsMessage("leadgen.calculate_benchmarks")
@AsSymfonyMessage("App\\Message\\CalculateBenchmarksMessage")
export class CalculateBenchmarksMessage {
  constructor(
    /** One of BENCHMARK_PERIODS: week, month, quarter. */
    readonly period: string = "week",
    /** One industry; null: every industry, plus all of them together ("*"). */
    readonly industry: string | null = null,
  ) {}
}
