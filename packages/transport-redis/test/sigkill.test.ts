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

const prefix = prefixFor("sigkill");
const admin = adminClient();
const workers: ChildWorker[] = [];

afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  if (redisUp) await deleteKeys(admin, prefix);
  admin.disconnect();
});

describe.skipIf(!redisUp)("a worker killed with SIGKILL in the middle of a handler", () => {
  it("loses nothing: another worker handles the message within a minute, default settings", {
    timeout: 90_000,
  }, async () => {
    const doomed = new ChildWorker("slow", prefix);
    workers.push(doomed);
    await doomed.waitFor(/^ready$/, 20_000);
    const sender = createTransport("jobs", { prefix });
    await sender.send(Envelope.wrap(new Job(42)));
    await doomed.waitFor(/^started 42$/, 10_000);
    await sender.send(Envelope.wrap(new Job(43)));

    const survivor = new ChildWorker("fast", prefix);
    workers.push(survivor);
    await survivor.waitFor(/^handled 43$/, 20_000);
    // The survivor is up and idle, while 42 is still pending and kept alive by its handler's worker.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(survivor.lines).not.toContain("handled 42");

    doomed.kill("SIGKILL");
    const killedAt = performance.now();
    expect((await doomed.exited).signal).toBe("SIGKILL");
    await survivor.waitFor(/^handled 42$/, 60_000);
    const recoveredMs = performance.now() - killedAt;
    expect(recoveredMs).toBeLessThan(60_000);

    const handled = await admin.lrange(`${prefix}results`, 0, -1);
    expect(handled.sort()).toEqual([`42:${survivor.pid}`, `43:${survivor.pid}`]);
    expect(
      await eventually(async () => (await sender.getMessageCount()) === 0, 5_000),
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
