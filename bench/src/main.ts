// Must come first: Nest's and tsyringe's decorators read design-time metadata through it.
import "reflect-metadata";
import { parseArgs } from "node:util";
import { PEER_RELEASES, PEERS_ENV, parsePeerRelease } from "./peers.js";
import { quickSize } from "./queue-scenario.js";
import { describeMachine, formatResult, writeJson, writeResult } from "./report.js";
import { setBacklogSize } from "./scenarios/backlog.js";
import { queueScenarios, scenarios } from "./scenarios/index.js";
import { formatSideBySide, runSideBySide } from "./side-by-side.js";
import { systems } from "./systems/index.js";

const USAGE = `Usage: npm run bench -- [--only <name>[,<name>...]] [--n <count>] [--repetitions <count>] [--backlog <count>] [--quick] [--peers pinned|newest]

  --only         run only these scenarios and/or systems
                   scenarios: ${[...scenarios, ...queueScenarios].map((s) => s.name).join(", ")}
                   systems:   ${systems.map((s) => s.name).join(", ")}
                 naming only systems runs the side-by-side scenarios for them
  --n            size of every selected scenario (default: per scenario; see bench/README.md)
  --repetitions  repetitions / rounds, at least 3 (default: 5 for dispatch, 3 side by side)
  --backlog      jobs already queued in the backlog scenario (default 1000000, at least 20000; --quick: 20000)
  --quick        every scenario at a small size and 3 repetitions / rounds (retry, cpu, scale, io-handler: 1), systems
                 pg-boss, messenger-postgres, bullmq, messenger-redis unless named: a smoke check, marked quick
  --peers        which releases of the peer job queues to load: ${PEER_RELEASES.join(" or ")} (default: pinned)`;

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

let values: {
  only?: string;
  n?: string;
  repetitions?: string;
  backlog?: string;
  quick?: boolean;
  peers?: string;
  help?: boolean;
};
try {
  ({ values } = parseArgs({
    args,
    options: {
      only: { type: "string" },
      n: { type: "string" },
      repetitions: { type: "string" },
      backlog: { type: "string" },
      quick: { type: "boolean" },
      peers: { type: "string" },
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
const quick = values.quick ?? false;
const repetitions = positiveInteger(values.repetitions, "repetitions", 3) ?? (quick ? 3 : undefined);
const backlogSize = positiveInteger(values.backlog, "backlog", 20_000) ?? (quick ? 20_000 : undefined);
if (backlogSize !== undefined) setBacklogSize(backlogSize);
try {
  // Worker child processes inherit the environment, so they load the same peer releases.
  process.env[PEERS_ENV] = parsePeerRelease(values.peers);
} catch (error) {
  fail((error as Error).message);
}
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
// `--quick` without systems named: one peer and messenger-ts on each backend with peers, so that
// every scenario runs in three rounds within two minutes; name systems to smoke-check others.
const QUICK_SYSTEMS = ["pg-boss", "messenger-postgres", "bullmq", "messenger-redis"];
const selectedSystems = pick(
  systems,
  namedSystems.length === 0 && quick ? QUICK_SYSTEMS : namedSystems,
  true,
);

const machine = describeMachine(new Date());
console.log(
  `${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (${machine.platform}-${machine.arch}), peers ${process.env[PEERS_ENV]}${quick ? ", QUICK" : ""}`,
);
const log = (line: string) => console.error(line);
let failedChecks = false;
for (const scenario of selected) {
  const size = n ?? (quick ? quickSize(scenario) : scenario.defaultN);
  const result = await scenario.run({ n: size, repetitions: repetitions ?? 5, log });
  console.log(`\n${quick ? "QUICK (small sizes, a smoke check) " : ""}${formatResult(result)}`);
  console.log(
    `written to ${quick ? await writeJson(`${result.scenario}-quick`, { quick, ...result }, machine) : await writeResult(result, machine)}`,
  );
  failedChecks ||= Object.values(result.checks).some((ok) => !ok);
}
if (selectedQueue.length > 0) {
  const result = await runSideBySide({
    scenarios: selectedQueue,
    systems: selectedSystems,
    n,
    repetitions: repetitions ?? 3,
    log,
    quick,
  });
  console.log(`\n${formatSideBySide(result, selectedQueue)}`);
  const file = quick ? "side-by-side-quick" : "side-by-side";
  console.log(`written to ${await writeJson(file, { peers: process.env[PEERS_ENV], ...result }, machine)}`);
  // A job lost or handled twice means the figures measured something else.
  failedChecks ||= result.problems.length > 0;
}
// A run whose handlers did not all run measured the wrong thing; the figures must not be trusted.
if (failedChecks) process.exitCode = 1;
