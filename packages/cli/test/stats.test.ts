import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliBackend, pgUp } from "./support/cli.js";

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("messenger:stats and messenger:setup-transports on %s", (backend, up) => {
  const cli = new CliBackend(backend, `stats_${backend}`);

  beforeAll(async () => {
    if (!up) return;
    const setup = await cli.run(["messenger:setup-transports"]);
    expect(setup.stderr).toContain('[OK] The "async" transport was set up successfully.');
    expect(setup.stderr).toContain('[NOTE] The "sync" transport does not support setup.');
    expect(setup.code).toBe(0);
  });
  afterAll(() => cli.dispose());

  it.skipIf(!up)("counts what waits in each receiver, as a table and as Symfony's JSON", async () => {
    expect((await cli.run(["app:dispatch", "1", "2", "3"])).code).toBe(0);
    expect((await cli.run(["app:dispatch", "--other", "x"])).code).toBe(0);

    const txt = await cli.run(["messenger:stats"]);
    expect(txt.code).toBe(0);
    expect(txt.stdout.split("\n").filter(Boolean)).toEqual([
      "Transport  Count",
      "async      3",
      "other      1",
      "failed     0",
      "memory     0",
    ]);

    const json = await cli.run(["messenger:stats", "async", "other", "--format=json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ transports: { async: { count: 3 }, other: { count: 1 } } });
    expect(json.stderr).toBe("");
  });

  it.skipIf(!up)("names an unknown transport and exits 2", async () => {
    const result = await cli.run(["messenger:stats", "nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'Unknown transport "nope"; available transports: async, other, failed, memory, sync.',
    );
    const setup = await cli.run(["messenger:setup-transports", "nope"]);
    expect(setup.code).toBe(2);
    const pause = await cli.run(["messenger:pause", "async", "nope"]);
    expect(pause.code).toBe(2);
    expect(pause.stderr).toContain('Unknown transport "nope"');
  });

  // The commands over the library calls, on SQLite alone; the stores of every backend and what
  // paused workers do are tested in the transport packages (conformance and process tests).
  it.skipIf(!up || backend !== "sqlite")(
    "messenger:pause and messenger:resume keep the state in the backend; the stats show it (table and JSON)",
    async () => {
      const paused = await cli.run(["messenger:pause", "async"]);
      expect(paused.stderr).toBe(
        '[OK] Paused "async": workers stop fetching from it within their poll interval.\n',
      );
      expect(paused.code).toBe(0);
      // Another process reads it from the backend.
      const txt = (await cli.run(["messenger:stats", "async", "other"])).stdout.split("\n").filter(Boolean);
      expect(txt[0]).toBe("Transport  Count  State");
      expect(txt[1]).toMatch(/^async +\d+ +paused$/);
      expect(txt[2]).toMatch(/^other +\d+$/);
      const json = JSON.parse((await cli.run(["messenger:stats", "async", "other", "--format=json"])).stdout);
      expect(json.transports.async.paused).toBe(true);
      expect(json.transports.other).not.toHaveProperty("paused");

      const resumed = await cli.run(["messenger:resume", "async"]);
      expect(resumed.stderr).toBe(
        '[OK] Resumed "async": workers fetch from it again within their poll interval.\n',
      );
      expect(resumed.code).toBe(0);
      expect((await cli.run(["messenger:stats", "async"])).stdout.split("\n")[0]).toBe("Transport  Count");
    },
    60_000,
  );

  it.skipIf(!up)("refuses a bad --format with the allowed values", async () => {
    const result = await cli.run(["messenger:stats", "--format=xml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"xml" is not allowed; use one of: txt, json.');
  });
});

describe("status commands on a mistyped SQLite path", () => {
  const cli = new CliBackend("sqlite", "stats_missing");
  const missingDir = join(tmpdir(), `messenger-cli-typo-${process.pid}`);
  const env = { CLI_TEST_SQLITE: join(missingDir, "queues.sqlite") };
  afterAll(() => cli.dispose());

  it.each([
    [["messenger:stats"]],
    [["messenger:failed:show"]],
    [["messenger:failed:show", "--stats"]],
    [["messenger:failed:show", "1"]],
    [["messenger:workers"]],
  ])("%j creates no directory or file, and names the missing file", async (args) => {
    const result = await cli.run(args, { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(join(missingDir, "queues.sqlite"));
    expect(result.stderr).toContain("the database file does not exist, and nothing was created");
    expect(existsSync(missingDir)).toBe(false);
  });
});
