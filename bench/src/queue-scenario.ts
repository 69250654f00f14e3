// The shape of a side-by-side scenario: it measures one system at a time and returns figures by
// metric key; side-by-side.ts runs every scenario for every system in rounds and builds the tables.

import { pollUntil } from "./clock.js";
import type { Backend, Job, Producer, System } from "./systems/system.js";

/** One row of the results table. */
export interface Row {
  readonly label: string;
  /** The metric key whose figures the row shows (median, min-max) and divides for the ratio table. */
  readonly metric: string;
  /** Which way is better; absent: the row gets no ratio. */
  readonly better?: "higher" | "lower";
  readonly digits: number;
  /** A cell of its own instead of "median (min-max)", from that system's measurements. */
  readonly cell?: (measurements: readonly Measurement[]) => string;
  /** What messenger-ts must reach on this row, on the backends where a peer runs. */
  readonly target?: Target;
  /** A target of its own on some backends, instead of `target` there (PostgreSQL's is higher, say). */
  readonly targetsByBackend?: Readonly<Partial<Record<Backend, Target>>>;
}

/**
 * A target: the median of the per-round ratios to the best peer on the same backend (at least it
 * for "higher is better", at most it for "lower"), or a ceiling or a floor on the figure itself.
 */
export type Target =
  | { readonly ratio: number }
  | { readonly atMost: number; readonly unit: string }
  | {
      readonly atLeast: number;
      readonly unit: string;
      /**
       * Judged on every messenger-ts system, also on a backend without peers: the figure compares a
       * system with itself (a backlog against none), so no peer is needed.
       */
      readonly everyBackend?: boolean;
    };

export interface Measurement {
  /** Figures by metric key; a key not present was not measured. */
  readonly values: Readonly<Record<string, number>>;
  /** What else is worth keeping in the JSON (raw samples, attempts). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** The measurement ran but something was wrong (a job lost, too many attempts): shown with the figure. */
  readonly problems?: readonly string[];
}

export interface QueueContext {
  readonly n: number;
  readonly log: (line: string) => void;
  /** `--quick`: waits that do not depend on the size (idle time before a measurement) are shortened. */
  readonly quick?: boolean;
}

export interface QueueScenario {
  readonly name: string;
  readonly description: string;
  /** How it measures, one line for the method list under the table (`quick`: as `--quick` runs it). */
  method(n: number, quick?: boolean): string;
  readonly defaultN: number;
  /** The size with `--quick`; absent: a tenth of `defaultN` (see `quickSize`). */
  readonly quickN?: number;
  /** Measured in the first round only (a long run whose figure is a curve, not a speed). */
  readonly firstRoundOnly?: boolean;
  /** Whether the scenario means something for this system (absent: every system); the others show "-". */
  appliesTo?(system: System): boolean;
  /** With `--quick`, measured in the first round only: its time hardly shrinks with the size. */
  readonly quickOnce?: boolean;
  rows(n: number): readonly Row[];
  measure(system: System, context: QueueContext): Promise<Measurement>;
}

export const BULK_SIZE = 1_000;

/** A scenario's size with `--quick`: its own `quickN`, else a tenth of its default size. */
export const quickSize = (scenario: { readonly defaultN: number; readonly quickN?: number }): number =>
  scenario.quickN ?? Math.max(1, Math.round(scenario.defaultN / 10));

export function jobs(from: number, count: number): Job[] {
  return Array.from({ length: count }, (_, i) => ({ id: from + i }));
}

/** Enqueues `n` jobs through the bulk API, `BULK_SIZE` per call. */
export async function fill(producer: Producer, n: number): Promise<void> {
  for (let from = 0; from < n; from += BULK_SIZE) {
    await producer.enqueueBulk(jobs(from, Math.min(BULK_SIZE, n - from)));
  }
}

/** Cleans, opens a producer, runs `work`, then closes and cleans again, whatever happened. */
export async function withProducer<T>(system: System, work: (producer: Producer) => Promise<T>): Promise<T> {
  await system.clean();
  const producer = await system.openProducer();
  try {
    return await work(producer);
  } finally {
    try {
      await producer.close();
    } finally {
      await system.clean();
    }
  }
}

/** Wall-clock ms when the store first reported nothing pending, polling every 5 ms. */
export async function storeDrained(producer: Producer, timeoutMs: number): Promise<number | undefined> {
  if (!producer.pending) return undefined;
  const pending = producer.pending.bind(producer);
  let at: number | undefined;
  const drained = await pollUntil(async () => {
    const left = await pending();
    if (left === 0) at = performance.timeOrigin + performance.now();
    return left === 0;
  }, timeoutMs);
  return drained ? at : undefined;
}

export const jobsPerSecond = (count: number, ms: number): number => (count * 1000) / Math.max(ms, 0.001);

/** Generous time limits: nothing in the comparison is slower than 100 jobs/s. */
export const timeLimitMs = (n: number): number => Math.max(60_000, n * 10);
