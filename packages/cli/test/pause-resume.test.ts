import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliBackend } from "./support/cli.js";

// What paused workers do is tested on every backend with worker processes (the transport packages'
// worker-controls-process tests); here, the commands over the library calls, on SQLite.
describe("messenger:pause, messenger:resume and the stats' State column", () => {
  const cli = new CliBackend("sqlite", "pause");

  beforeAll(async () => {
    expect((await cli.run(["app:dispatch", "1", "2"])).code).toBe(0);
  });
  afterAll(() => cli.dispose());

  it("pauses a transport in its backend, shows it in the stats (table and JSON), and resumes it", async () => {
    const paused = await cli.run(["messenger:pause", "async"]);
    expect(paused.stderr).toBe(
      '[OK] Paused "async": workers stop fetching from it within their poll interval.\n',
    );
    expect(paused.code).toBe(0);
    // Another process reads the state from the backend.
    const txt = await cli.run(["messenger:stats", "async", "other"]);
    expect(txt.stdout.split("\n").filter(Boolean)).toEqual([
      "Transport  Count  State",
      "async      2      paused",
      "other      0",
    ]);
    const json = await cli.run(["messenger:stats", "async", "other", "--format=json"]);
    expect(JSON.parse(json.stdout)).toEqual({
      transports: { async: { count: 2, paused: true }, other: { count: 0 } },
    });

    const resumed = await cli.run(["messenger:resume", "async"]);
    expect(resumed.stderr).toBe(
      '[OK] Resumed "async": workers fetch from it again within their poll interval.\n',
    );
    expect(resumed.code).toBe(0);
    expect((await cli.run(["messenger:stats", "async"])).stdout.split("\n").filter(Boolean)).toEqual([
      "Transport  Count",
      "async      2",
    ]);
  }, 60_000);

  it("names an unknown transport and exits 2", async () => {
    const result = await cli.run(["messenger:pause", "async", "nope"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown transport "nope"; available transports:');
  });
});
