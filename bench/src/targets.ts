// The targets messenger-ts must reach against the peers, judged on one run: on every backend where
// a peer runs, each messenger-ts system's figure against the row's target (a ratio to the best
// peer, or a ceiling on the figure itself). A missed target is reported, not a failed run: the
// figures are still true.

import type { Row } from "./queue-scenario.js";
import type { FigureRecord } from "./side-by-side.js";
import { hasPeers } from "./systems/index.js";
import type { System } from "./systems/system.js";

export interface TargetRecord {
  readonly system: string;
  readonly metric: string;
  readonly label: string;
  /** The target in words, e.g. ">= 1.00x the best peer". */
  readonly target: string;
  /** What was measured, e.g. "1.26x graphile-worker" or "+0.4 %". */
  readonly measured: string;
  /** Undefined when it could not be judged (no peer measured, or no figure). */
  readonly met?: boolean;
}

export function judgeTargets(
  rows: readonly Row[],
  available: readonly System[],
  figures: readonly FigureRecord[],
): TargetRecord[] {
  const judged: TargetRecord[] = [];
  for (const row of rows) {
    if (!row.target && !row.targetsByBackend) continue;
    for (const system of available) {
      if (system.peer || system.variant) continue;
      const target = row.targetsByBackend?.[system.backend] ?? row.target;
      if (!target) continue;
      if (!hasPeers(system.backend) && !("atLeast" in target && target.everyBackend)) continue;
      const figure = figures.find((f) => f.metric === row.metric && f.system === system.name);
      const base = { system: system.name, metric: row.metric, label: row.label };
      if ("ratio" in target) {
        const atLeast = row.better !== "lower";
        const wanted = `${atLeast ? ">=" : "<="} ${target.ratio.toFixed(2)}x the best peer`;
        const ratio = figure?.ratio;
        if (!ratio) {
          judged.push({ ...base, target: wanted, measured: "no peer measured" });
          continue;
        }
        const met = atLeast ? ratio.median >= target.ratio : ratio.median <= target.ratio;
        judged.push({
          ...base,
          target: wanted,
          measured: `${ratio.median.toFixed(2)}x ${ratio.against}`,
          met,
        });
      } else if ("atMost" in target) {
        const wanted = `<= ${target.atMost} ${target.unit}`;
        const value = figure?.value;
        if (!value) {
          judged.push({ ...base, target: wanted, measured: "not measured" });
          continue;
        }
        const measured = `${value.median >= 0 ? "+" : ""}${value.median.toFixed(1)} ${target.unit}`;
        judged.push({ ...base, target: wanted, measured, met: value.median <= target.atMost });
      } else {
        // A floor on the figure itself (a share of the ideal, a ratio within one measurement).
        const wanted = `>= ${target.atLeast} ${target.unit}`;
        const value = figure?.value;
        if (!value) {
          judged.push({ ...base, target: wanted, measured: "not measured" });
          continue;
        }
        const measured = `${value.median.toFixed(2)} ${target.unit}`;
        judged.push({ ...base, target: wanted, measured, met: value.median >= target.atLeast });
      }
    }
  }
  return judged;
}

/** The targets section of the report: one line per system and target, then an empty line. */
export function formatTargets(targets: readonly TargetRecord[]): string[] {
  if (targets.length === 0) return [];
  const verdict = (met: boolean | undefined) => (met === undefined ? "NOT JUDGED" : met ? "MET" : "MISSED");
  return [
    "targets (the median of one run's per-round ratios, or the figure itself):",
    ...targets.map((t) => `- ${t.system}, ${t.label}: ${t.measured} (target ${t.target}) ${verdict(t.met)}`),
    "",
  ];
}
