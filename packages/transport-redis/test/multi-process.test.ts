import { Envelope } from "@messenger-ts/core";
import { afterAll, describe, expect, it } from "vitest";
import { ChildWorker } from "./support/child-worker.js";
import {
  adminClient,
  createTransport,
  deleteKeys,
  eventually,
  Job,
  prefixFor,
  redisUp,
} from "./support/redis.js";

const prefix = prefixFor("multi");
const admin = adminClient();
const TOTAL = 20_000;
const WORKERS = 4;
const workers: ChildWorker[] = [];

afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  if (redisUp) await deleteKeys(admin, prefix);
  admin.disconnect();
});

describe.skipIf(!redisUp)("four worker processes on one stream", () => {
  it(`handle ${TOTAL} pre-enqueued messages exactly once between them`, { timeout: 90_000 }, async () => {
    for (let i = 0; i < WORKERS; i++) workers.push(new ChildWorker("drain", prefix, 8));
    // Every worker idle (group set up, blocked on the marker) before the first message: all four compete.
    await Promise.all(workers.map((w) => w.waitFor(/^ready$/, 20_000)));

    const sender = createTransport("jobs", { prefix });
    const enqueueStart = performance.now();
    const chunk = 5_000;
    for (let from = 0; from < TOTAL; from += chunk) {
      await sender.sendMany(Array.from({ length: chunk }, (_, i) => Envelope.wrap(new Job(from + i))));
    }
    const enqueueMs = performance.now() - enqueueStart;
    const drainStart = performance.now();

    const results = `${prefix}results`;
    const drained = await eventually(async () => (await admin.llen(results)) >= TOTAL, 60_000);
    const drainMs = performance.now() - drainStart;
    expect(drained, `only ${await admin.llen(results)} of ${TOTAL} handled in 60 s`).toBe(true);

    // Give a late duplicate (a redelivery, a double claim) the chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const worker of workers) worker.kill("SIGTERM");
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(exits.map((e) => e.code)).toEqual(Array(WORKERS).fill(0));

    const handled = await admin.lrange(results, 0, -1);
    expect(handled).toHaveLength(TOTAL);
    const numbers = new Set(handled.map((entry) => Number(entry.split(":")[0])));
    expect(numbers.size, "every message handled once").toBe(TOTAL);
    expect(Math.min(...numbers)).toBe(0);
    expect(Math.max(...numbers)).toBe(TOTAL - 1);
    const perWorker = new Map<string, number>();
    for (const entry of handled) {
      const pid = entry.split(":")[1]!;
      perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1);
    }
    expect(perWorker.size, "every worker took part").toBe(WORKERS);
    expect(await sender.getMessageCounts(), "every message was acked and deleted").toEqual({
      waiting: 0,
      pending: 0,
      delayed: 0,
    });
    expect(await admin.xlen(sender.stream)).toBe(0);
    await sender.close();

    console.info(
      `[multi-process] enqueued ${TOTAL} in ${enqueueMs.toFixed(0)} ms (sendMany x${TOTAL / chunk}); ` +
        `${WORKERS} workers (concurrency 8) drained them in ${drainMs.toFixed(0)} ms ` +
        `(${Math.round((TOTAL / drainMs) * 1000)} msg/s); per worker: ${[...perWorker.values()].join(", ")}`,
    );
  });
});
