import { Envelope } from "@messenger-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildWorker } from "./support/child-worker.js";
import {
  adminPool,
  createTransport,
  dropSchema,
  eventually,
  Job,
  pgUp,
  schemaFor,
} from "./support/postgres.js";

const schema = schemaFor("sigkill");
const admin = adminPool();
const workers: ChildWorker[] = [];

beforeAll(async () => {
  if (!pgUp) return;
  await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await admin.query(`CREATE TABLE "${schema}".results (n int NOT NULL, worker int NOT NULL)`);
});

afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

describe.skipIf(!pgUp)("a worker killed with SIGKILL in the middle of a handler", () => {
  it("loses nothing: another worker handles the message within a minute, default settings", {
    timeout: 90_000,
  }, async () => {
    const doomed = new ChildWorker("slow", schema);
    workers.push(doomed);
    await doomed.waitFor(/^ready$/, 20_000);
    const sender = createTransport({ schema });
    await sender.send(Envelope.wrap(new Job(42)));
    await sender.send(Envelope.wrap(new Job(43)));
    await doomed.waitFor(/^started 42$/, 10_000);

    const survivor = new ChildWorker("fast", schema);
    workers.push(survivor);
    await survivor.waitFor(/^handled 43$/, 20_000);
    // The survivor is up and idle, while 42 is still claimed and kept alive by its handler's worker.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(survivor.lines).not.toContain("handled 42");

    doomed.kill("SIGKILL");
    const killedAt = performance.now();
    expect((await doomed.exited).signal).toBe("SIGKILL");
    await survivor.waitFor(/^handled 42$/, 60_000);
    const recoveredMs = performance.now() - killedAt;
    expect(recoveredMs).toBeLessThan(60_000);

    const handled = await admin.query(`SELECT n, worker FROM "${schema}".results ORDER BY n`);
    expect(handled.rows).toEqual([
      { n: 42, worker: survivor.pid },
      { n: 43, worker: survivor.pid },
    ]);
    expect(
      await eventually(
        async () =>
          (await admin.query(`SELECT count(*)::int AS n FROM "${schema}".messenger_messages`)).rows[0].n ===
          0,
        5_000,
      ),
      "the redelivered message was acked",
    ).toBe(true);
    expect(doomed.lines).not.toContain("finished 42");
    survivor.kill("SIGTERM");
    expect((await survivor.exited).code).toBe(0);
    await sender.close();
    console.info(
      `[sigkill] message handled by the second worker ${(recoveredMs / 1000).toFixed(1)} s after the SIGKILL`,
    );
  });
});
