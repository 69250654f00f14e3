// Runs the queue scenarios for every system, in rounds: in each round every scenario runs for every
// system back to back, the first system rotated each round, so a noisy moment on the machine does
// not always hit the same system. Then it summarises (median, min, max over rounds), divides each
// figure by the same round's figure of the best peer on the same backend, and judges the targets.

import { type Measurement, type QueueScenario, quickSize, type Row } from "./queue-scenario.js";
import { type Summary, summarize } from "./summarize.js";
import { hasPeers, NO_PEER_REFERENCE } from "./systems/index.js";
import type { Backend, System } from "./systems/system.js";
import { formatTargets, judgeTargets, type TargetRecord } from "./targets.js";

export interface SideBySideOptions {
  readonly scenarios: readonly QueueScenario[];
  readonly systems: readonly System[];
  /** Overrides every scenario's default size. */
  readonly n?: number;
  readonly repetitions: number;
  readonly log: (line: string) => void;
  /** `--quick`: every scenario at its quick size (unless `n` is given); the result is marked quick. */
  readonly quick?: boolean;
}

export interface MeasurementRecord {
  readonly round: number;
  readonly scenario: string;
  readonly system: string;
  readonly seconds: number;
  readonly measurement: Measurement;
}

export interface FigureRecord {
  readonly scenario: string;
  readonly metric: string;
  readonly label: string;
  readonly system: string;
  readonly value?: Summary;
  readonly cell: string;
  /**
   * The figure divided by that of `against` (the best peer on the same backend for this figure,
   * or messenger-postgres on a backend without peers), round by round; absent for the best peer.
   */
  readonly ratio?: Summary & { readonly against: string };
  /** This system is the best peer on its backend for this figure: the others are divided by it. */
  readonly bestPeer?: true;
}

export interface SideBySideResult {
  /** Run with `--quick`: small sizes, a smoke check whose figures are not for comparison. */
  readonly quick: boolean;
  readonly repetitions: number;
  readonly scenarios: readonly { name: string; description: string; n: number; method: string }[];
  readonly systems: readonly {
    name: string;
    backend: string;
    peer: boolean;
    settings: string;
    inProcess: boolean;
    skipped?: string;
  }[];
  readonly measurements: readonly MeasurementRecord[];
  readonly figures: readonly FigureRecord[];
  readonly targets: readonly TargetRecord[];
  readonly problems: readonly string[];
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

const sizeOf = (scenario: QueueScenario, n: number | undefined, quick = false) =>
  n ?? (quick ? quickSize(scenario) : scenario.defaultN);

export async function runSideBySide(options: SideBySideOptions): Promise<SideBySideResult> {
  const { scenarios, repetitions, log } = options;
  const systemInfo: SideBySideResult["systems"][number][] = [];
  const available: System[] = [];
  for (const system of options.systems) {
    const skipped = await system.probe();
    if (skipped) log(`skipped ${system.name}: ${skipped}`);
    else available.push(system);
    systemInfo.push({
      name: system.name,
      backend: system.backend,
      peer: system.peer,
      settings: system.settings,
      inProcess: system.inProcess ?? false,
      ...(skipped ? { skipped } : {}),
    });
  }

  const measurements: MeasurementRecord[] = [];
  for (let round = 0; round < repetitions; round++) {
    for (const scenario of scenarios) {
      if ((scenario.firstRoundOnly || (options.quick && scenario.quickOnce)) && round > 0) continue;
      const n = sizeOf(scenario, options.n, options.quick);
      for (const system of rotate(available, round)) {
        if (scenario.appliesTo && !scenario.appliesTo(system)) continue;
        log(`round ${round + 1}/${repetitions}: ${scenario.name} ${system.name} (n = ${n})`);
        const started = performance.now();
        let measurement: Measurement;
        try {
          measurement = await scenario.measure(system, { n, log, quick: options.quick ?? false });
        } catch (error) {
          const message = (error as Error).message.split("\n")[0];
          log(`  failed: ${message}`);
          measurement = { values: {}, problems: [`failed: ${message}`] };
          await system.clean().catch(() => {});
        }
        const seconds = (performance.now() - started) / 1000;
        for (const problem of measurement.problems ?? []) log(`  problem: ${problem}`);
        log(`  ${formatValues(measurement.values)} (${seconds.toFixed(1)} s)`);
        measurements.push({ round, scenario: scenario.name, system: system.name, seconds, measurement });
      }
    }
  }

  const figures: FigureRecord[] = [];
  const problems: string[] = [];
  for (const scenario of scenarios) {
    const n = sizeOf(scenario, options.n, options.quick);
    for (const row of scenario.rows(n)) {
      const medians = mediansOf(scenario, row, available, measurements);
      for (const system of available) {
        figures.push(
          figure(scenario, row, system, referenceFor(system, row, available, medians), measurements),
        );
      }
    }
    for (const record of measurements) {
      if (record.scenario !== scenario.name) continue;
      for (const problem of record.measurement.problems ?? [])
        problems.push(`${record.system}, ${scenario.name}, round ${record.round + 1}: ${problem}`);
    }
  }
  return {
    quick: options.quick ?? false,
    repetitions,
    scenarios: scenarios.map((s) => ({
      name: s.name,
      description: s.description,
      n: sizeOf(s, options.n, options.quick),
      method: s.method(sizeOf(s, options.n, options.quick), options.quick),
    })),
    systems: systemInfo,
    measurements,
    figures,
    targets: judgeTargets(
      scenarios.flatMap((scenario) => scenario.rows(sizeOf(scenario, options.n, options.quick))),
      available,
      figures,
    ),
    problems,
  };
}

function formatValues(values: Readonly<Record<string, number>>): string {
  return (
    Object.entries(values)
      .map(([key, value]) => `${key} ${value >= 100 ? Math.round(value) : value.toFixed(2)}`)
      .join(", ") || "no figures"
  );
}

function valuesByRound(
  measurements: readonly MeasurementRecord[],
  scenario: string,
  system: string,
): Map<number, Measurement> {
  const byRound = new Map<number, Measurement>();
  for (const record of measurements) {
    if (record.scenario === scenario && record.system === system)
      byRound.set(record.round, record.measurement);
  }
  return byRound;
}

export function formatNumber(value: number, digits: number): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function valuesOf(row: Row, measurements: Iterable<Measurement>): number[] {
  return [...measurements].map((m) => m.values[row.metric]).filter((v): v is number => v !== undefined);
}

function mediansOf(
  scenario: QueueScenario,
  row: Row,
  available: readonly System[],
  measurements: readonly MeasurementRecord[],
): Map<string, number> {
  const medians = new Map<string, number>();
  for (const system of available) {
    const values = valuesOf(row, valuesByRound(measurements, scenario.name, system.name).values());
    if (values.length > 0) medians.set(system.name, summarize(values).median);
  }
  return medians;
}

interface Reference {
  /** The system whose figure this one is divided by; absent: no ratio. */
  readonly against?: string;
  readonly bestPeer: boolean;
}

/**
 * Which system a figure is divided by. On a backend with peers: the peer with the best median of
 * this figure (graphile-worker may enqueue fastest while another peer has the lowest latency).
 * On a backend without peers: messenger-postgres.
 */
function referenceFor(
  system: System,
  row: Row,
  available: readonly System[],
  medians: ReadonlyMap<string, number>,
): Reference {
  if (!row.better) return { bestPeer: false };
  if (!hasPeers(system.backend)) {
    const usable = system.name !== NO_PEER_REFERENCE && medians.has(NO_PEER_REFERENCE);
    return { bestPeer: false, ...(usable ? { against: NO_PEER_REFERENCE } : {}) };
  }
  const best = bestPeer(system.backend, row, available, medians);
  if (best === undefined) return { bestPeer: false };
  return best === system.name ? { bestPeer: true } : { against: best, bestPeer: false };
}

function bestPeer(
  backend: Backend,
  row: Row,
  available: readonly System[],
  medians: ReadonlyMap<string, number>,
): string | undefined {
  const sign = row.better === "lower" ? -1 : 1;
  let best: string | undefined;
  for (const system of available) {
    const median = medians.get(system.name);
    if (!system.peer || system.backend !== backend || median === undefined) continue;
    if (best === undefined || sign * median > sign * medians.get(best)!) best = system.name;
  }
  return best;
}

function figure(
  scenario: QueueScenario,
  row: Row,
  system: System,
  reference: Reference,
  measurements: readonly MeasurementRecord[],
): FigureRecord {
  const own = valuesByRound(measurements, scenario.name, system.name);
  const values = valuesOf(row, own.values());
  const value = values.length > 0 ? summarize(values) : undefined;
  const failed = [...own.values()].some((m) => (m.problems?.length ?? 0) > 0);
  let cell = row.cell
    ? row.cell([...own.values()])
    : value
      ? `${formatNumber(value.median, row.digits)} (${formatNumber(value.min, row.digits)}–${formatNumber(value.max, row.digits)})`
      : failed
        ? "failed"
        : "-";
  if (failed && !row.cell && value) cell += " (!)";

  let ratio: FigureRecord["ratio"];
  if (reference.against !== undefined) {
    const theirs = valuesByRound(measurements, scenario.name, reference.against);
    const ratios: number[] = [];
    for (const [round, measurement] of own) {
      const mine = measurement.values[row.metric];
      const base = theirs.get(round)?.values[row.metric];
      if (mine !== undefined && base !== undefined && base > 0) ratios.push(mine / base);
    }
    if (ratios.length > 0) ratio = { ...summarize(ratios), against: reference.against };
  }
  return {
    scenario: scenario.name,
    metric: row.metric,
    label: row.label,
    system: system.name,
    ...(value ? { value } : {}),
    cell,
    ...(ratio ? { ratio } : {}),
    ...(reference.bestPeer ? { bestPeer: true as const } : {}),
  };
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = header.map((_, i) => (i === 0 ? "---" : "---:"));
  return [header, align, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** The results as Markdown: the figures, the ratios to the best peers, the targets, skips and problems. */
export function formatSideBySide(result: SideBySideResult, scenarios: readonly QueueScenario[]): string {
  const measured = result.systems.filter((s) => !s.skipped);
  const header = ["metric", ...measured.map((s) => `${s.name} (${s.backend})`)];
  const figureRows: string[][] = [];
  const ratioRows: string[][] = [];
  for (const scenario of scenarios) {
    const info = result.scenarios.find((s) => s.name === scenario.name)!;
    for (const row of scenario.rows(info.n)) {
      const cells = measured.map(
        (system) =>
          result.figures.find((f) => f.metric === row.metric && f.system === system.name)?.cell ?? "-",
      );
      figureRows.push([row.label, ...cells]);
      if (!row.better) continue;
      const ratios = measured.map((system) => {
        const f = result.figures.find((x) => x.metric === row.metric && x.system === system.name);
        if (f?.bestPeer) return "1 (best peer)";
        if (!f?.ratio) return "-";
        const r = f.ratio;
        return `${r.median.toFixed(2)}x (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
      });
      ratioRows.push([`${row.label} (${row.better} is better)`, ...ratios]);
    }
  }
  const parts = [
    `side by side: median (min–max) over ${result.repetitions} rounds${result.quick ? " (QUICK: small sizes, a smoke check; do not compare these figures with a full run)" : ""}`,
    "",
    markdownTable(header, figureRows),
    "",
    "ratio to the best peer on the same backend for each figure (SQLite and memory, which have no peer: to " +
      `${NO_PEER_REFERENCE}), per round, then median (min–max)`,
    "",
    markdownTable(header, ratioRows),
    "",
    ...formatTargets(result.targets),
    "method:",
    ...result.scenarios.map((s) => `- ${s.method}`),
    `- aggregation: ${result.repetitions} rounds; per round every scenario for every system back to back, first system rotated each round`,
    "",
    "systems:",
    ...result.systems.map(
      (s) =>
        `- ${s.name}: ${s.skipped ? `SKIPPED: ${s.skipped}` : s.settings}${s.inProcess ? " (worker in the runner process)" : ""}`,
    ),
  ];
  if (result.problems.length > 0) parts.push("", "problems:", ...result.problems.map((p) => `- ${p}`));
  return parts.join("\n");
}
