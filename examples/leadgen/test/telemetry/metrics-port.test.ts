import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runConsole } from "../support/console.js";

/** The global `--metrics-port` of bin/console (over the build: build first). */
describe("bin/console --metrics-port", () => {
  const directory = mkdtempSync(join(tmpdir(), "leadgen-metrics-port-"));
  const env = { LEADGEN_SQLITE_PATH: join(directory, "leadgen.sqlite"), LEADGEN_DISCOVERY_CRON: "off" };
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("refuses a value that is not a port, naming it (exit code 2)", async () => {
    const run = await runConsole(["messenger:stats", "--metrics-port=70000"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"70000" is not a port: expected 0 to 65535.');
  }, 30_000);

  it("serves while the command runs and lets it end with its own exit code", async () => {
    const run = await runConsole(["messenger:setup-transports", "--metrics-port=0", "-vvv"], env);
    expect(run.stderr).toMatch(/Serving the messenger metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(run.code).toBe(0);
  }, 30_000);
});
