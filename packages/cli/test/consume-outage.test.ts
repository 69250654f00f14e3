import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ScriptProcess } from "@messenger-ts/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CliBackend, runCli } from "./support/cli.js";

/** PostgreSQL on a port where nothing listens, with a password in the DSN. */
const UNREACHABLE = fileURLToPath(new URL("./fixtures/standalone-secret.config.mjs", import.meta.url));
const FLAKY = fileURLToPath(new URL("./fixtures/consume-flaky.config.mjs", import.meta.url));
const HANGING = fileURLToPath(new URL("./fixtures/consume-hanging.config.mjs", import.meta.url));
const REFUSED = fileURLToPath(new URL("./fixtures/consume-refused.config.mjs", import.meta.url));
const GATED_CONFIG = fileURLToPath(new URL("./fixtures/consume-gated.config.mjs", import.meta.url));
const WAIT = 30_000;

describe("messenger:consume with its transport unreachable", { timeout: WAIT }, () => {
  it("prints the failure once at the default verbosity, without the password, and honours --time-limit", async () => {
    const result = await runCli(["--config", UNREACHABLE, "messenger:consume", "orders", "--time-limit=3"]);
    expect(result.code, result.stderr).toBe(0);
    const failures = result.stderr
      .split("\n")
      .filter((line) => line.includes('Could not receive messages from transport "orders"'));
    // Once, not once per attempt (the worker tried every second).
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      /ERROR +Could not receive messages .*ECONNREFUSED 127\.0\.0\.1:1.*; will try again$/,
    );
    expect(result.stdout + result.stderr).not.toContain("secret");
  });

  it("exits 1 once the transport has been failing for longer than --outage-limit", async () => {
    const result = await runCli([
      "--config",
      UNREACHABLE,
      "messenger:consume",
      "orders",
      "--outage-limit=1",
      "--time-limit=60",
    ]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /\[ERROR\] Transport "orders" has been failing for \d+ s, longer than the outage limit of 1 s; the worker stopped.*\[TRANSPORT_OUTAGE_LIMIT\]/,
    );
    expect(result.stdout + result.stderr).not.toContain("secret");
  });

  it("prints the recovery of a transport at the default verbosity", async () => {
    const result = await runCli([
      "--config",
      FLAKY,
      "messenger:consume",
      "flaky",
      "--time-limit=4",
      "--sleep=0.5",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const worker = result.stderr.split("\n").filter((line) => /^\d\d:\d\d:\d\d /.test(line));
    expect(worker.map((line) => line.slice(9))).toEqual([
      'ERROR   Could not receive messages from transport "flaky": connect ECONNREFUSED 127.0.0.1:5432; will try again',
      expect.stringMatching(/^WARNING Transport "flaky" is reachable again after \d+ s$/),
    ]);
  });

  it("honours --time-limit while a fetch never answers", async () => {
    const result = await runCli(["--config", HANGING, "messenger:consume", "hanging", "--time-limit=1"]);
    expect(result.stdout).toBe("get\n");
    expect(result.code, result.stderr).toBe(0);
  });

  it("stops at the first SIGTERM while a fetch never answers", async () => {
    const worker = new ScriptProcess(BIN, ["--config", HANGING, "messenger:consume", "hanging"]);
    await worker.waitFor(/^get$/, WAIT);
    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
  });

  it("exits 1 at the first fetch when the transport refuses its credentials", async () => {
    const result = await runCli(["--config", REFUSED, "messenger:consume", "refused", "--time-limit=60"]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe("get\n");
    expect(result.stderr).toContain(
      '[ERROR] Transport "refused": the server refused the password for user "app". [TRANSPORT_AUTHENTICATION_FAILED]',
    );
    expect(result.stdout + result.stderr).not.toContain("secret");
  });

  it.each([
    ["--grace-period=-1", '"-1" is not a number of seconds (0 or more).'],
    ["--outage-limit=soon", '"soon" is not a number of seconds (0 or more).'],
  ])("refuses %s, naming the value", async (option, message) => {
    const result = await runCli(["--config", UNREACHABLE, "messenger:consume", "orders", option]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("messenger:consume with a handler that does not finish (sqlite)", { timeout: WAIT }, () => {
  const cli = new CliBackend("sqlite", "consume_grace");
  const gateDir = mkdtempSync(join(tmpdir(), "messenger-cli-grace-"));
  // Never created: the handler waits for it forever.
  const env = { ...cli.env, CLI_TEST_GATE: join(gateDir, "never") };
  const gated = (args: readonly string[]) => runCli(["--config", GATED_CONFIG, ...args], { env });

  beforeAll(async () => {
    expect((await cli.run(["messenger:setup-transports"])).code).toBe(0);
  });
  afterAll(async () => {
    rmSync(gateDir, { recursive: true, force: true });
    await cli.dispose();
  });

  it("aborts after --grace-period, prints the abandoned message and exits 1", async () => {
    expect((await gated(["app:dispatch-gated", "1"])).code).toBe(0);
    const result = await gated(["messenger:consume", "async", "--time-limit=1", "--grace-period=1"]);
    expect(result.stdout).toBe("started 1\n");
    expect(result.stderr).toMatch(
      /ERROR +Abandoned message cli_test\.gated_job \(id \S+\) from "async": neither acknowledged nor rejected/,
    );
    expect(result.stderr).toContain("[WORKER_STOP_TIMEOUT]");
    expect(result.code).toBe(1);
    // The handler still polls for its gate: the console ended the process anyway.
    expect(result.stderr).toContain(
      "1 abandoned handler(s) still running 3 s after the worker stopped; exiting.",
    );
  });
});
