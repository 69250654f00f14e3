import { DelayStamp, Envelope } from "@messenger-ts/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PostgresTransportFactory } from "../src/index.js";
import {
  adminPool,
  dropSchema,
  dsn,
  eventually,
  factoryContext,
  type IdleWorker,
  Job,
  pgUp,
  schemaFor,
  startIdleWorker,
} from "./support/postgres.js";

const schema = schemaFor("notify");
const admin = adminPool();
let running: IdleWorker | undefined;

/** An in-process worker with a 60 s idle sleep; resolves once it has gone idle and is waiting. */
async function idleWorker(options: Record<string, string | number | boolean> = {}) {
  running = await startIdleWorker({ schema, ...options });
  // Let the idle round reach its wait (LISTEN and the due-time query).
  await new Promise((resolve) => setTimeout(resolve, 300));
  return running;
}

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

afterAll(async () => {
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

describe.skipIf(!pgUp)("an idle worker (60 s sleep) on LISTEN/NOTIFY", () => {
  it("handles a message sent after it went idle promptly, not at the end of its sleep", async () => {
    const { transport, handledAt } = await idleWorker({ queue_name: "prompt" });
    const sentAt = performance.now();
    await transport.send(Envelope.wrap(new Job(1)));
    expect(await eventually(() => handledAt.has(1), 5_000), "handled within 5 s of a 60 s sleep").toBe(true);
    console.info(`[notify] handled ${(handledAt.get(1)! - sentAt).toFixed(0)} ms after the send`);
  });

  it("wakes for a delayed message at its due time, not at the next sleep end", async () => {
    const { transport, handledAt } = await idleWorker({ queue_name: "delayed" });
    const sentAt = performance.now();
    await transport.send(Envelope.wrap(new Job(2), [DelayStamp.delayFor(300)]));
    expect(await eventually(() => handledAt.has(2), 5_000), "handled within 5 s of a 60 s sleep").toBe(true);
    const after = handledAt.get(2)! - sentAt;
    expect(after, "not before its delay").toBeGreaterThanOrEqual(290);
    console.info(`[notify] 300 ms delayed message handled ${after.toFixed(0)} ms after the send`);
  });

  it("wakes when an abandoned claim expires (its consumer died holding it)", async () => {
    const options = { schema, queue_name: "abandoned", redeliver_timeout: 3 };
    const dead = new PostgresTransportFactory().createTransport(dsn(options), {}, factoryContext());
    await dead.send(Envelope.wrap(new Job(3)));
    expect(await dead.get(), "claimed, never to be acked").toHaveLength(1);
    const claimedAt = performance.now();
    const { handledAt } = await idleWorker(options);
    expect(handledAt.has(3), "not while the claim holds").toBe(false);
    expect(await eventually(() => handledAt.has(3), 6_000), "handled within 6 s of a 60 s sleep").toBe(true);
    expect(handledAt.get(3)! - claimedAt, "not before the claim expired").toBeGreaterThanOrEqual(2_900);
    await dead.close();
  });

  it("(control) with use_notify=false the same message waits for the sleep", async () => {
    const { transport, handledAt } = await idleWorker({ queue_name: "quiet", use_notify: false });
    await transport.send(Envelope.wrap(new Job(4)));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(handledAt.has(4)).toBe(false);
  });
});
