import { mkdir, rename, writeFile } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { ScenarioResult } from "./scenario.js";

/** The machine a result was measured on; results from different machines do not compare. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly date: string;
}

export function describeMachine(date: Date): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    date: date.toISOString(),
  };
}

const RESULTS_DIR = fileURLToPath(new URL("../results/", import.meta.url));

const ns = (value: number) => value.toFixed(1);
const ops = (value: number) => Math.round(value).toLocaleString("en-US");
const times = (value: number) => `${value.toFixed(2)}x`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  // First column left-aligned (names), the rest right-aligned (numbers).
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatResult(result: ScenarioResult): string {
  const figures = table([
    ["system", "ns/op median", "min", "max", "ops/s median"],
    ...result.figures.map((f) => [
      f.label,
      ns(f.nsPerOp.median),
      ns(f.nsPerOp.min),
      ns(f.nsPerOp.max),
      ops(f.opsPerSec.median),
    ]),
  ]);
  const ratios = table([
    ["ratio (of ns/op, per repetition)", "median", "min", "max", "target", ""],
    ...result.ratios.map((r) => [
      r.name,
      times(r.value.median),
      times(r.value.min),
      times(r.value.max),
      r.target === undefined ? "-" : `<= ${times(r.target)}`,
      r.met === undefined ? "" : r.met ? "met" : "MISSED",
    ]),
  ]);
  const failed = Object.entries(result.checks).filter(([, ok]) => !ok);
  const checks =
    failed.length === 0
      ? `checks: all ${Object.keys(result.checks).length} passed`
      : `checks FAILED: ${failed.map(([name]) => name).join("; ")}`;
  const heading = `${result.scenario}: n = ${result.n}, ${result.repetitions} repetitions, warm-up ${result.warmupOperations} per system`;
  return [heading, "", figures, "", ratios, "", checks].join("\n");
}

/** Writes `results/<date>-<scenario>.json` (through a temp file, so a crash leaves no half file). */
export async function writeResult(result: ScenarioResult, machine: Machine): Promise<string> {
  return writeJson(result.scenario, result, machine);
}

/** Writes `results/<date>-<name>.json` with the machine first. */
export async function writeJson(name: string, data: object, machine: Machine): Promise<string> {
  // Colons are not allowed in Windows file names.
  const stamp = machine.date.slice(0, 19).replaceAll(":", "-");
  const path = `${RESULTS_DIR}${stamp}Z-${name}.json`;
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify({ machine, ...data }, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return path;
}
