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

const schema = schemaFor("multi");
const admin = adminPool();
const TOTAL = 20_000;
const WORKERS = 4;
const workers: ChildWorker[] = [];

beforeAll(async () => {
  if (!pgUp) return;
  await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  // No UNIQUE constraint on purpose: a duplicate must show up as a second row, not as a failure.
  await admin.query(`CREATE TABLE "${schema}".results (n int NOT NULL, worker int NOT NULL)`);
});

afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

describe.skipIf(!pgUp)("four worker processes on one queue", () => {
  it(`handle ${TOTAL} pre-enqueued messages exactly once between them`, { timeout: 90_000 }, async () => {
    for (let i = 0; i < WORKERS; i++) workers.push(new ChildWorker("drain", schema, 8));
    // Every worker idle (tables set up, LISTENing) before the first message: all four compete.
    await Promise.all(workers.map((w) => w.waitFor(/^ready$/, 20_000)));

    const sender = createTransport({ schema });
    const enqueueStart = performance.now();
    const chunk = 5_000;
    for (let from = 0; from < TOTAL; from += chunk) {
      await sender.sendMany(Array.from({ length: chunk }, (_, i) => Envelope.wrap(new Job(from + i))));
    }
    const enqueueMs = performance.now() - enqueueStart;
    const drainStart = performance.now();

    const count = async () =>
      (await admin.query(`SELECT count(*)::int AS n FROM "${schema}".results`)).rows[0].n as number;
    const drained = await eventually(async () => (await count()) >= TOTAL, 60_000);
    const drainMs = performance.now() - drainStart;
    expect(drained, `only ${await count()} of ${TOTAL} handled in 60 s`).toBe(true);

    // Give a late duplicate (a redelivery, a double claim) the chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const worker of workers) worker.kill("SIGTERM");
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(exits.map((e) => e.code)).toEqual(Array(WORKERS).fill(0));

    const { rows } = await admin.query(
      `SELECT count(*)::int AS total, count(DISTINCT n)::int AS distinct_n, min(n) AS min, max(n) AS max
       FROM "${schema}".results`,
    );
    expect(rows[0]).toEqual({ total: TOTAL, distinct_n: TOTAL, min: 0, max: TOTAL - 1 });
    const perWorker = await admin.query(
      `SELECT worker, count(*)::int AS n FROM "${schema}".results GROUP BY worker ORDER BY worker`,
    );
    expect(perWorker.rows, "every worker took part").toHaveLength(WORKERS);
    const left = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".messenger_messages`);
    expect(left.rows[0].n, "every message was acked").toBe(0);
    await sender.close();

    console.info(
      `[multi-process] enqueued ${TOTAL} in ${enqueueMs.toFixed(0)} ms (sendMany x${TOTAL / chunk}); ` +
        `${WORKERS} workers drained them in ${drainMs.toFixed(0)} ms ` +
        `(${Math.round((TOTAL / drainMs) * 1000)} msg/s); per worker: ${perWorker.rows.map((r) => r.n).join(", ")}`,
    );
  });
});
