// Must come first: Nest's and tsyringe's decorators read design-time metadata through it.
import "reflect-metadata";
import { parseArgs } from "node:util";
import { describeMachine, formatResult, writeJson, writeResult } from "./report.js";
import { setBacklogSize } from "./scenarios/backlog.js";
import { queueScenarios, scenarios } from "./scenarios/index.js";
import { formatSideBySide, runSideBySide } from "./side-by-side.js";
import { systems } from "./systems/index.js";

const USAGE = `Usage: npm run bench -- [--only <name>[,<name>...]] [--n <count>] [--repetitions <count>]

  --only         run only these scenarios and/or systems
                   scenarios: ${[...scenarios, ...queueScenarios].map((s) => s.name).join(", ")}
                   systems:   ${systems.map((s) => s.name).join(", ")}
                 naming only systems runs the side-by-side scenarios for them
  --n            size of every selected scenario (default: per scenario; see bench/README.md)
  --repetitions  repetitions / rounds, at least 3 (default: 5 for dispatch, 3 side by side)
  --backlog      jobs already queued in the backlog scenario (default 1000000, at least 20000)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInteger(value: string | undefined, option: string, minimum = 1): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < minimum)
    fail(`--${option} needs an integer >= ${minimum}, got "${value}".`);
  return parsed;
}

// pnpm may hand over the "--" separator itself; parseArgs would read everything after it as positionals.
const args = process.argv.slice(2);
if (args[0] === "--") args.shift();

let values: { only?: string; n?: string; repetitions?: string; backlog?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    args,
    options: {
      only: { type: "string" },
      n: { type: "string" },
      repetitions: { type: "string" },
      backlog: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const n = positiveInteger(values.n, "n");
const repetitions = positiveInteger(values.repetitions, "repetitions", 3);
const backlogSize = positiveInteger(values.backlog, "backlog", 20_000);
if (backlogSize !== undefined) setBacklogSize(backlogSize);
const wanted =
  values.only
    ?.split(",")
    .map((name) => name.trim())
    .filter(Boolean) ?? [];
const known = (name: string) =>
  scenarios.some((s) => s.name === name) ||
  queueScenarios.some((s) => s.name === name) ||
  systems.some((s) => s.name === name);
const unknown = wanted.filter((name) => !known(name));
if (unknown.length > 0) fail(`Unknown scenario or system: ${unknown.join(", ")}.`);
const namedScenarios = wanted.filter(
  (name) => scenarios.some((s) => s.name === name) || queueScenarios.some((s) => s.name === name),
);
const namedSystems = wanted.filter((name) => systems.some((s) => s.name === name));
const pick = <T extends { name: string }>(all: readonly T[], named: readonly string[], whenNone: boolean) =>
  named.length > 0 ? all.filter((item) => named.includes(item.name)) : whenNone ? [...all] : [];
const selected = pick(scenarios, namedScenarios, namedSystems.length === 0);
const selectedQueue = pick(queueScenarios, namedScenarios, true);
const selectedSystems = pick(systems, namedSystems, true);

const machine = describeMachine(new Date());
console.log(
  `${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (${machine.platform}-${machine.arch})`,
);
const log = (line: string) => console.error(line);
let failedChecks = false;
for (const scenario of selected) {
  const result = await scenario.run({ n: n ?? scenario.defaultN, repetitions: repetitions ?? 5, log });
  console.log(`\n${formatResult(result)}`);
  console.log(`written to ${await writeResult(result, machine)}`);
  failedChecks ||= Object.values(result.checks).some((ok) => !ok);
}
if (selectedQueue.length > 0) {
  const result = await runSideBySide({
    scenarios: selectedQueue,
    systems: selectedSystems,
    n,
    repetitions: repetitions ?? 3,
    log,
  });
  console.log(`\n${formatSideBySide(result, selectedQueue)}`);
  console.log(`written to ${await writeJson("side-by-side", result, machine)}`);
  // A job lost or handled twice means the figures measured something else.
  failedChecks ||= result.problems.length > 0;
}
// A run whose handlers did not all run measured the wrong thing; the figures must not be trusted.
if (failedChecks) process.exitCode = 1;
