// messenger:setup-transports and messenger:consume as real child processes: the warnings a transport reports.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const config = fileURLToPath(new URL("./fixtures/setup-warnings.config.mjs", import.meta.url));

describe("messenger:setup-transports", { timeout: 30_000 }, () => {
  it("prints a transport's warnings after setting it up, and still succeeds", async () => {
    const result = await runCli(["--config", config, "messenger:setup-transports"]);
    expect(result.code).toBe(0);
    const printed = result.stdout + result.stderr;
    expect(printed).toContain('[OK] The "risky" transport was set up successfully.');
    expect(printed).toContain(
      '[WARNING] The "risky" transport: a restart of the backend loses every message.',
    );
    expect(printed).not.toMatch(/WARNING\] The "memory"/);
  });
});

describe("messenger:consume", { timeout: 30_000 }, () => {
  it("prints the warnings of the transports it consumes when it starts, at default verbosity", async () => {
    const result = await runCli([
      "--config",
      config,
      "messenger:consume",
      "risky",
      "memory",
      "--time-limit=1",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toContain(
      '[WARNING] The "risky" transport: a restart of the backend loses every message.',
    );
  });
});
