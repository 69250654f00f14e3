import { PermanentFailureError } from "./permanent-failure-error.js";

export const BENCHMARK_PERIODS = ["week", "month", "quarter"] as const;
export type BenchmarkPeriod = (typeof BENCHMARK_PERIODS)[number];

/** A calendar period in UTC: `[start, end)` in epoch milliseconds, and its key ("2024-W01", "2024-01", "2024-Q1"). */
export interface PeriodWindow {
  readonly period: BenchmarkPeriod;
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

const DAY = 86_400_000;

export function assertBenchmarkPeriod(period: unknown): BenchmarkPeriod {
  if (!BENCHMARK_PERIODS.includes(period as BenchmarkPeriod)) {
    throw new PermanentFailureError(
      "INVALID_PERIOD",
      `Invalid benchmark period ${JSON.stringify(period)}; allowed: ${BENCHMARK_PERIODS.join(", ")}.`,
    );
  }
  return period as BenchmarkPeriod;
}

/**
 * The last period that ended at or before `now`: the weekly run on a Monday morning computes the
 * week that has just ended, whatever time the worker got to it.
 */
export function lastCompletePeriod(period: BenchmarkPeriod, now: number): PeriodWindow {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  switch (period) {
    case "week": {
      const today = Date.UTC(year, month, date.getUTCDate());
      const sinceMonday = (date.getUTCDay() + 6) % 7;
      const end = today - sinceMonday * DAY;
      const start = end - 7 * DAY;
      return { period, key: isoWeekKey(start), start, end };
    }
    case "month": {
      const start = Date.UTC(year, month - 1, 1);
      const startDate = new Date(start);
      const key = `${startDate.getUTCFullYear()}-${String(startDate.getUTCMonth() + 1).padStart(2, "0")}`;
      return { period, key, start, end: Date.UTC(year, month, 1) };
    }
    case "quarter": {
      const currentQuarterMonth = month - (month % 3);
      const start = Date.UTC(year, currentQuarterMonth - 3, 1);
      const startDate = new Date(start);
      const key = `${startDate.getUTCFullYear()}-Q${Math.floor(startDate.getUTCMonth() / 3) + 1}`;
      return { period, key, start, end: Date.UTC(year, currentQuarterMonth, 1) };
    }
  }
}

/** ISO 8601 week of the Monday `monday`: its Thursday decides the year. */
function isoWeekKey(monday: number): string {
  const thursday = new Date(monday + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
