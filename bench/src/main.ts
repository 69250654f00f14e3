// Must come first: Nest's and tsyringe's decorators read design-time metadata through it.
import "reflect-metadata";
import { parseArgs } from "node:util";
import { describeMachine, formatResult, writeResult } from "./report.js";
import { scenarios } from "./scenarios/index.js";

const USAGE = `Usage: npm run bench -- [--only <name>[,<name>...]] [--n <count>] [--repetitions <count>]

  --only         run only these scenarios (${scenarios.map((s) => s.name).join(", ")})
  --n            operations per system and repetition (default: per scenario)
  --repetitions  timed repetitions, at least 3 (default: 5)`;

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

let values: { only?: string; n?: string; repetitions?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    args,
    options: {
      only: { type: "string" },
      n: { type: "string" },
      repetitions: { type: "string" },
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
const repetitions = positiveInteger(values.repetitions, "repetitions", 3) ?? 5;
const wanted = values.only
  ?.split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = wanted?.filter((name) => !scenarios.some((s) => s.name === name)) ?? [];
if (unknown.length > 0) fail(`Unknown scenario: ${unknown.join(", ")}.`);
const selected = wanted ? scenarios.filter((s) => wanted.includes(s.name)) : scenarios;

const machine = describeMachine(new Date());
console.log(
  `${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (${machine.platform}-${machine.arch})`,
);
let failedChecks = false;
for (const scenario of selected) {
  const log = (line: string) => console.error(line);
  const result = await scenario.run({ n: n ?? scenario.defaultN, repetitions, log });
  console.log(`\n${formatResult(result)}`);
  console.log(`written to ${await writeResult(result, machine)}`);
  failedChecks ||= Object.values(result.checks).some((ok) => !ok);
}
// A run whose handlers did not all run measured the wrong thing; the figures must not be trusted.
if (failedChecks) process.exitCode = 1;
