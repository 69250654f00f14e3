import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorkerHeartbeat } from "@messenger-ts/core";
import { ScriptProcess } from "@messenger-ts/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_BIN, runConsole } from "../support/console.js";
import { dropSchema, PG_URL, pgUp, schemaFor } from "../support/postgres.js";

/**
 * `messenger:workers` over two `bin/console messenger:consume` processes of the application on
 * one database (an SQLite file, a PostgreSQL schema): both are listed; one SIGKILLed (no chance
 * to remove its heartbeat) leaves the list once its heartbeat times out, while the other stays.
 */
const directory = mkdtempSync(join(tmpdir(), "leadgen-workers-"));
const schema = schemaFor("workers_command");
const backends = [
  ["SQLite", true, { LEADGEN_SQLITE_PATH: join(directory, "leadgen.sqlite") }],
  ["PostgreSQL", pgUp, { DATABASE_URL: PG_URL, LEADGEN_DB_SCHEMA: schema }],
] as const;
const workers: ScriptProcess[] = [];

afterAll(async () => {
  for (const worker of workers) {
    worker.kill("SIGKILL");
    await worker.exited;
  }
  rmSync(directory, { recursive: true, force: true });
  if (pgUp) await dropSchema(schema);
});

describe.each(backends)("messenger:workers with two running workers on %s", (_name, up, backendEnv) => {
  const env: Record<string, string> = { ...backendEnv, LEADGEN_LATENCY_MS: "0" };

  beforeAll(async () => {
    if (!up) return;
    const load = await runConsole(["app:fixtures:load"], env);
    expect(load.code).toBe(0);
  }, 30_000);

  async function listed(): Promise<WorkerHeartbeat[]> {
    const result = await runConsole(["messenger:workers", "--format=json"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as { workers: WorkerHeartbeat[] }).workers;
  }

  /** Lists until `done` holds; gives up after 100 looks (about 20 s and more). */
  async function listedUntil(done: (pids: number[]) => boolean): Promise<WorkerHeartbeat[]> {
    let last: WorkerHeartbeat[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      last = await listed();
      if (done(last.map((w) => w.pid))) return last;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`messenger:workers never listed what was waited for; last: ${JSON.stringify(last)}`);
  }

  it.skipIf(!up)(
    "lists both; a SIGKILLed one disappears after the heartbeat timeout, the other stays",
    async () => {
      for (const queue of ["normal", "low_priority"]) {
        // Spawned here, killed by the file's afterAll: a failed expectation leaves no process behind.
        workers.push(
          new ScriptProcess(
            CONSOLE_BIN,
            [
              "messenger:consume",
              queue,
              "--heartbeat-interval=0.5",
              "--heartbeat-timeout=1.5",
              "--sleep=0.2",
            ],
            { env: { NO_COLOR: "1", ...env } },
          ),
        );
      }
      const [killed, survivor] = workers.slice(-2) as [ScriptProcess, ScriptProcess];
      const both = await listedUntil((pids) => pids.includes(killed.pid) && pids.includes(survivor.pid));
      expect(both.map((w) => [w.pid, w.transports])).toEqual(
        expect.arrayContaining([
          [killed.pid, ["normal"]],
          [survivor.pid, ["low_priority"]],
        ]),
      );

      const table = await runConsole(["messenger:workers"], env);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`\\s${killed.pid}\\s+normal\\s`));
      expect(table.stdout).toMatch(new RegExp(`\\s${survivor.pid}\\s+low_priority\\s`));

      killed.kill("SIGKILL");
      expect((await killed.exited).signal).toBe("SIGKILL");
      const after = await listedUntil((pids) => !pids.includes(killed.pid));
      expect(after.map((w) => w.pid)).toEqual([survivor.pid]);
      // And it keeps beating: still there after another timeout's worth of heartbeats.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await listed()).map((w) => w.pid)).toEqual([survivor.pid]);
    },
    60_000,
  );
});
