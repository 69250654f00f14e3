import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ScriptProcess } from "@messenger-ts/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, CliBackend, type CliResult, pgUp, runCli } from "./support/cli.js";

const GATED_CONFIG = fileURLToPath(new URL("./fixtures/consume-gated.config.mjs", import.meta.url));
const CRASH_CONFIG = fileURLToPath(new URL("./fixtures/consume-crash.config.mjs", import.meta.url));
const WAIT = 20_000;

const BANNER_LIMIT_3 = [
  '[OK] Consuming messages from transport "async".',
  "// The worker will automatically exit once it has processed 3 messages or received a stop signal via the messenger:stop-workers command.",
  "// Quit the worker with CONTROL-C.",
  "// Re-run the command with a -vv option to see logs about consumed messages.",
];

function lines(text: string): string[] {
  return text.split("\n").filter(Boolean);
}

/** Waits until a process's stderr contains `text` (the stop tests wait for the signal to be taken). */
async function waitForStderr(process: ScriptProcess, text: string, timeoutMs = WAIT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!process.stderr.includes(text)) {
    if (Date.now() > deadline || process.process.exitCode !== null) {
      throw new Error(`stderr never showed ${JSON.stringify(text)}:\n${process.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("messenger:consume and messenger:stop-workers on %s", (backend, up) => {
  const cli = new CliBackend(backend, `consume_${backend}`);
  const gateDir = mkdtempSync(join(tmpdir(), `messenger-cli-gate-${backend}-`));
  const gate = join(gateDir, "open");
  const gatedEnv = { ...cli.env, CLI_TEST_GATE: gate };
  const gated = (args: readonly string[]): Promise<CliResult> =>
    runCli(["--config", GATED_CONFIG, ...args], { env: gatedEnv });
  const startGated = (args: readonly string[]): ScriptProcess =>
    new ScriptProcess(BIN, ["--config", GATED_CONFIG, ...args], { env: gatedEnv });
  const counts = async (): Promise<Record<string, number>> => {
    const stats = await cli.run(["messenger:stats", "--format=json"]);
    expect(stats.code).toBe(0);
    const { transports } = JSON.parse(stats.stdout) as { transports: Record<string, { count: number }> };
    return Object.fromEntries(Object.entries(transports).map(([name, { count }]) => [name, count]));
  };

  beforeAll(async () => {
    if (!up) return;
    expect((await cli.run(["messenger:setup-transports"])).code).toBe(0);
  });
  beforeEach(() => rmSync(gate, { force: true }));
  afterAll(async () => {
    rmSync(gateDir, { recursive: true, force: true });
    await cli.dispose();
  });

  it.skipIf(!up)(
    "--limit drains the queue, prints the handled lines and Symfony's banner, exits 0",
    async () => {
      expect((await cli.run(["app:dispatch", "1", "2", "3"])).code).toBe(0);
      const result = await cli.run(["messenger:consume", "async", "--limit=3"]);
      expect(result.stdout.split("\n").filter(Boolean)).toEqual(["handled 1", "handled 2", "handled 3"]);
      expect(lines(result.stderr)).toEqual(BANNER_LIMIT_3);
      // Not a terminal: no live status line, so no carriage returns in logs.
      expect(result.stderr).not.toContain("\r");
      expect(result.code).toBe(0);
      expect((await counts()).async).toBe(0);
    },
    WAIT,
  );

  it.skipIf(!up)(
    "--limit stops with the rest of a fetched batch handed back, available to the next worker at once",
    async () => {
      expect((await cli.run(["app:dispatch", "11", "12", "13", "14", "15"])).code).toBe(0);
      const first = await cli.run(["messenger:consume", "async", "--limit=2"]);
      expect(lines(first.stdout)).toEqual(["handled 11", "handled 12"]);
      // Counted as waiting (not claimed) right away, not after the redelivery timeout.
      expect((await counts()).async).toBe(3);
      const second = await cli.run(["messenger:consume", "async", "--limit=3"]);
      expect(lines(second.stdout)).toEqual(["handled 13", "handled 14", "handled 15"]);
      expect((await counts()).async).toBe(0);
    },
    WAIT,
  );

  it.skipIf(!up)(
    "-vv logs each message; failing jobs are retried, then go to the failure transport; --failure-limit stops",
    async () => {
      expect((await cli.run(["app:dispatch", "--fail", "7", "8"])).code).toBe(0);
      // Two jobs, one retry each: four failures, then the failure limit stops the worker.
      const result = await cli.run(["messenger:consume", "async", "-vv", "--failure-limit=4"]);
      expect(result.code).toBe(0);
      const err = lines(result.stderr);
      expect(err.slice(0, 3)).toEqual([
        '[OK] Consuming messages from transport "async".',
        "// The worker will automatically exit once it has reached 4 failed messages or received a stop signal via the messenger:stop-workers command.",
        "// Quit the worker with CONTROL-C.",
      ]);
      const logged = (pattern: RegExp) => err.filter((line) => pattern.test(line)).length;
      const time = String.raw`^\d\d:\d\d:\d\d `;
      expect(
        logged(new RegExp(`${time}INFO    Received message cli_test\\.job \\(id \\S+\\) from "async"$`)),
      ).toBe(4);
      expect(
        logged(
          new RegExp(
            `${time}WARNING Error thrown while handling message cli_test\\.job \\(id \\S+\\) in \\d+ ms: Handling "Job" failed: job 7 failed on purpose$`,
          ),
        ),
      ).toBe(2);
      expect(
        logged(
          new RegExp(
            `${time}WARNING Sent cli_test\\.job \\(id \\S+\\) for retry #1 using \\d+ ms delay to "async" \\(new id \\S+\\)$`,
          ),
        ),
      ).toBe(2);
      expect(
        logged(
          new RegExp(
            `${time}ERROR   Rejected message cli_test\\.job \\(id \\S+\\) sent to the failure transport "failed" after 1 retry$`,
          ),
        ),
      ).toBe(2);
      expect(result.stderr).not.toContain("Re-run the command with a -vv option");
      expect(result.stdout).toBe("");
      expect(await counts()).toMatchObject({ async: 0, failed: 2 });
    },
    WAIT,
  );

  it.skipIf(!up)(
    "--time-limit stops an idle worker with exit 0",
    async () => {
      const result = await cli.run(["messenger:consume", "async", "--time-limit=1", "--sleep=0.1"]);
      expect(result.stderr).toContain(
        "// The worker will automatically exit once it has been running for 1s or received a stop signal via the messenger:stop-workers command.",
      );
      expect(result.code).toBe(0);
    },
    WAIT,
  );

  it.skipIf(!up)(
    "SIGTERM in the middle of a message: the message finishes and is acknowledged, then exit 0",
    async () => {
      expect((await gated(["app:dispatch-gated", "21", "22"])).code).toBe(0);
      const worker = startGated(["messenger:consume", "async", "-vv"]);
      await worker.waitFor(/^started 21$/, WAIT);
      worker.kill("SIGTERM");
      await waitForStderr(worker, "// Stopping: finishing the message(s) in hand");
      writeFileSync(gate, "");
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(worker.lines).toEqual(["started 21", "handled 21"]);
      expect(worker.stderr).toMatch(/Message cli_test\.gated_job \(id \S+\) handled successfully/);
      // 21 was acknowledged, 22 never started: it is still waiting.
      expect((await counts()).async).toBe(1);
      const drain = await gated(["messenger:consume", "async", "--limit=1"]);
      expect(drain.stdout).toBe("started 22\nhandled 22\n");
    },
    WAIT * 2,
  );

  it.skipIf(!up)(
    "messenger:stop-workers stops two workers after their current message; the rest stays queued",
    async () => {
      expect((await gated(["app:dispatch-gated", "31", "32", "33", "34"])).code).toBe(0);
      const workers = [
        startGated(["messenger:consume", "async"]),
        startGated(["messenger:consume", "async"]),
      ];
      await Promise.all(workers.map((worker) => worker.waitFor(/^started \d+$/, WAIT)));

      const stop = await cli.run(["messenger:stop-workers"]);
      expect(stop.stderr).toBe("[OK] Signal successfully sent to stop any running workers.\n");
      expect(stop.code).toBe(0);
      writeFileSync(gate, "");

      for (const worker of workers) {
        expect(await worker.exited).toEqual({ code: 0, signal: null });
        const [started] = worker.lines;
        expect(worker.lines).toEqual([started, started!.replace("started", "handled")]);
      }
      // Each worker took one job and finished it; nothing was lost and two still wait.
      const handled = workers.map((worker) => worker.lines[1]).sort();
      expect(handled).toHaveLength(2);
      expect(new Set(handled).size).toBe(2);
      expect((await counts()).async).toBe(2);
      // Also the options that only change how it runs: two at once, a keepalive, no reset.
      const drain = await gated([
        "messenger:consume",
        "async",
        "--limit=2",
        "--concurrency=2",
        "--keepalive=5",
        "--no-reset",
      ]);
      expect(
        lines(drain.stdout)
          .filter((line) => line.startsWith("handled"))
          .sort(),
      ).toEqual(
        ["handled 31", "handled 32", "handled 33", "handled 34"].filter((line) => !handled.includes(line)),
      );
    },
    WAIT * 2,
  );
});

describe("messenger:consume refuses what it cannot do", () => {
  const cli = new CliBackend("sqlite", "consume_usage");
  afterAll(() => cli.dispose());

  it(
    "bad option values, unknown or missing receivers: exit 2 naming the value",
    async () => {
      const cases: [string[], string][] = [
        [["async", "--limit=0"], `"0" is not a positive integer.`],
        [["async", "--limit=abc"], `"abc" is not a positive integer.`],
        [
          ["async", "--memory-limit=12Q"],
          `"12Q" is not a memory limit; use a number of bytes, or digits followed by K, M or G`,
        ],
        [["async", "--sleep=-1"], `"-1" is not a number of seconds (0 or more).`],
        [["async", "--time-limit=0"], `"0" is not a positive number of seconds.`],
        [
          ["async", "--exclude-receivers=other"],
          "The --exclude-receivers option can be used only with the --all option.",
        ],
        [
          ["--all", "--exclude-receivers=nope"],
          `Invalid receiver "nope" in --exclude-receivers; valid receivers are: async, other, failed, memory.`,
        ],
        [
          ["memory", "--queues=high"],
          `Receiver "memory" does not support consuming from queues (--queues); queue-aware receivers: async, other, failed.`,
        ],
        [["async", "--bus=nope"], `The bus "nope" does not exist; buses: messenger.bus.default.`],
        [
          ["async", "--keepalive=60"],
          `The --keepalive interval (60s) must be shorter than the redelivery timeout of "async" (30s).`,
        ],
        [["nope"], `The receiver "nope" does not exist. Valid receivers are: async, other, failed, memory.`],
        [
          [],
          "Please pass at least one receiver. Valid receivers are: async, other, failed, memory (or pass --all).",
        ],
      ];
      const results = await Promise.all(cases.map(([args]) => cli.run(["messenger:consume", ...args])));
      results.forEach((result, i) => {
        const [args, message] = cases[i]!;
        expect({ args, stderr: result.stderr }).toEqual({ args, stderr: expect.stringContaining(message) });
        expect({ args, code: result.code }).toEqual({ args, code: 2 });
      });
    },
    WAIT,
  );

  it(
    "--all consumes every receiver but the excluded ones, in configured order",
    async () => {
      const result = await cli.run([
        "messenger:consume",
        "--all",
        "--exclude-receivers=other",
        "--exclude-receivers=failed",
        "--time-limit=0.5",
        "--sleep=0.1",
      ]);
      expect(result.stderr).toContain('[OK] Consuming messages from transports "async, memory".');
      expect(result.code).toBe(0);
    },
    WAIT,
  );

  it(
    "a worker that crashes exits 1 with the error",
    async () => {
      const result = await runCli(["--config", CRASH_CONFIG, "messenger:consume", "async"], { env: cli.env });
      expect(result.stderr).toContain("[ERROR] the start listener broke");
      expect(result.code).toBe(1);
    },
    WAIT,
  );
});
