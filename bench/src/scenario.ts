import type { Summary } from "./summarize.js";

/** What a scenario is given by the CLI. */
export interface ScenarioOptions {
  /** Sequential operations timed per system and repetition. */
  readonly n: number;
  /** Timed repetitions per system (at least 3, so median, min and max mean something). */
  readonly repetitions: number;
  /** Progress lines go here (stderr), so stdout holds only the results. */
  readonly log: (line: string) => void;
}

/** One measured system of a scenario, e.g. "messenger-ts dispatch". */
export interface Figure {
  readonly name: string;
  readonly label: string;
  readonly nsPerOp: Summary;
  readonly opsPerSec: Summary;
  /** ns/op of every repetition, in the order they ran. */
  readonly samples: readonly number[];
}

/** `numerator / denominator` of ns/op, computed per repetition so both sides share that run's noise. */
export interface Ratio {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly value: Summary;
  /** The ratio's median must not exceed this; absent for ratios printed only for information. */
  readonly target?: number;
  readonly met?: boolean;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly description: string;
  /** How the time was taken, for whoever reads the JSON later. */
  readonly method: string;
  readonly n: number;
  readonly repetitions: number;
  readonly warmupOperations: number;
  readonly figures: readonly Figure[];
  readonly ratios: readonly Ratio[];
  /** Sanity checks (handler call counts, returned values); a failed check fails the run. */
  readonly checks: Readonly<Record<string, boolean>>;
}

/** A benchmark the CLI can select with `--only <name>`. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Chosen so the scenario runs in well under 20 s on a 2-core machine. */
  readonly defaultN: number;
  /** The size with `--quick`; absent: a tenth of `defaultN`. */
  readonly quickN?: number;
  run(options: ScenarioOptions): Promise<ScenarioResult>;
}
