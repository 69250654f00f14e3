import type { WorkerHeartbeat } from "@messenger-ts/core";
import type { ScriptProcess } from "@messenger-ts/core/testing";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { CliBackend, PG, pgUp } from "./support/cli.js";

/** Lists the workers as JSON until `done` holds (a worker's first heartbeat is not instant); at most 20 s. */
async function workersUntil(
  cli: CliBackend,
  done: (workers: WorkerHeartbeat[]) => boolean,
): Promise<WorkerHeartbeat[]> {
  let last: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    const result = await cli.run(["messenger:workers", "--format=json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    last = JSON.parse(result.stdout);
    const { workers } = last as { workers: WorkerHeartbeat[] };
    if (done(workers)) return workers;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`messenger:workers never showed what was waited for; last: ${JSON.stringify(last)}`);
}

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("messenger:workers on %s", (backend, up) => {
  const cli = new CliBackend(backend, `workers_${backend}`);
  const started: ScriptProcess[] = [];
  afterEach(async () => {
    for (const worker of started.splice(0)) {
      worker.kill("SIGKILL");
      await worker.exited;
    }
  });
  afterAll(() => cli.dispose());

  it.skipIf(!up || backend !== "postgres")("lists none before any setup, and creates nothing", async () => {
    const result = await cli.run(["messenger:workers"]);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("[NOTE] No running worker was found.\n");
    expect(result.code).toBe(0);
    const client = new pg.Client(PG);
    await client.connect();
    try {
      const { rows } = await client.query("SELECT to_regnamespace($1) IS NULL AS missing", [
        cli.env.CLI_TEST_SCHEMA,
      ]);
      expect(rows[0].missing).toBe(true);
    } finally {
      await client.end();
    }
  });

  it.skipIf(!up)(
    "shows a running worker with its counts, and forgets it at once when it stops cleanly",
    async () => {
      expect((await cli.run(["messenger:setup-transports"])).code).toBe(0);
      expect((await cli.run(["app:dispatch", "1", "2"])).code).toBe(0);
      expect((await cli.run(["app:dispatch", "3", "--fail"])).code).toBe(0);
      const worker = cli.start([
        "messenger:consume",
        "async",
        "--concurrency=2",
        "--heartbeat-interval=0.2",
        "--sleep=0.1",
      ]);
      started.push(worker);
      await worker.waitFor(/^handled 2$/, 20_000);
      // The failed job is retried later (the fixture's retry delay); its first failure counts.
      const [listed] = await workersUntil(
        cli,
        (w) => w.length === 1 && w[0]!.handled === 2 && w[0]!.failed >= 1,
      );
      expect(listed).toMatchObject({ pid: worker.pid, transports: ["async"], concurrency: 2, handled: 2 });
      expect(listed!.memory).toBeGreaterThan(1_000_000);
      expect(listed!.lastSeenAt).toBeGreaterThanOrEqual(listed!.startedAt);

      const txt = await cli.run(["messenger:workers"]);
      expect(txt.code).toBe(0);
      const [header, row] = txt.stdout.split("\n").filter(Boolean);
      expect(header!.split(/\s{2,}/)).toEqual([
        "Id",
        "Host",
        "PID",
        "Transports",
        "Concurrency",
        "Handled",
        "Failed",
        "Memory",
        "Up for",
        "Last seen",
      ]);
      expect(row).toContain(listed!.id);
      expect(row).toMatch(new RegExp(`\\s${worker.pid}\\s+async\\s+2\\s+2\\s`));
      expect(row).toMatch(/ MiB\s+\d+ s\s+\d+ s ago$/);

      worker.kill("SIGTERM");
      expect((await worker.exited).code).toBe(0);
      // Removed by the clean stop, not left to expire.
      const after = await cli.run(["messenger:workers", "--format=json"]);
      expect(JSON.parse(after.stdout)).toEqual({ workers: [] });
    },
  );

  it.skipIf(!up)("says which named transports keep no heartbeats", async () => {
    const result = await cli.run(["messenger:workers", "async", "sync", "--format=json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ workers: [], unsupported_transports: ["sync"] });
    const unknown = await cli.run(["messenger:workers", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown transport "nope"');
  });

  it.skipIf(!up)("refuses a heartbeat timeout not longer than the interval, naming both", async () => {
    const result = await cli.run([
      "messenger:consume",
      "async",
      "--heartbeat-interval=2",
      "--heartbeat-timeout=1",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "The --heartbeat-timeout (1s) must be longer than the heartbeat interval (2s): a worker would vanish between two heartbeats.",
    );
  });
});
