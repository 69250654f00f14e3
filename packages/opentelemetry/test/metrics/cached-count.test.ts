import { nullLogger } from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { describe, expect, it } from "vitest";
import { CachedCount } from "../../src/metrics/cached-count.js";

function cached(count: () => Promise<number>, clock = new FakeClock()) {
  const logs: string[] = [];
  const logger = { ...nullLogger, warn: (_: unknown, message: string) => logs.push(message) };
  const counter = new CachedCount({
    count,
    ttl: 15_000,
    timeout: 20,
    clock,
    logger,
    context: { metric: "messenger.transport.messages", transport: "orders" },
  });
  return { counter, clock, logs };
}

describe("CachedCount", () => {
  it("queries once per ttl and answers from the cache in between", async () => {
    let queries = 0;
    const { counter, clock } = cached(async () => ++queries * 10);
    expect(await counter.read()).toBe(10);
    await clock.advance(14_999);
    expect(await counter.read()).toBe(10);
    await clock.advance(1);
    expect(await counter.read()).toBe(20);
    expect(queries).toBe(2);
  });

  it("does not hold a read up past the timeout for a slow backend, and keeps the late answer", async () => {
    let answer: (n: number) => void = () => {};
    const { counter, clock } = cached(() => new Promise<number>((resolve) => (answer = resolve)));
    expect(await counter.read()).toBeUndefined();
    answer(7);
    await Promise.resolve();
    expect(await counter.read()).toBe(7);
    await clock.advance(15_000);
    // The next query is slow too: the previous value, not nothing.
    expect(await counter.read()).toBe(7);
  });

  it("skips the value after a failed query, logs it once, and waits out the ttl before trying again", async () => {
    let queries = 0;
    const { counter, clock, logs } = cached(async () => {
      queries++;
      throw new Error("database gone");
    });
    expect(await counter.read()).toBeUndefined();
    expect(await counter.read()).toBeUndefined();
    expect(queries).toBe(1);
    expect(logs).toHaveLength(1);
    await clock.advance(15_000);
    await counter.read();
    expect(queries).toBe(2);
  });
});
