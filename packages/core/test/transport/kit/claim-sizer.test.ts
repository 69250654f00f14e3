import { describe, expect, it } from "vitest";
import { ClaimSizer } from "../../../src/transport/kit/index.js";

const MAX_CLAIM_BATCH = 100;

function sizer(timeoutMs: number) {
  let now = 0;
  const claimSizer = new ClaimSizer(timeoutMs, MAX_CLAIM_BATCH, { now: () => now });
  return { claimSizer, advance: (ms: number) => (now += ms) };
}

describe("ClaimSizer", () => {
  it("caps a batch by the body bytes claimed so far when given a byte limit", () => {
    let now = 0;
    const claimSizer = new ClaimSizer(30_000, MAX_CLAIM_BATCH, { now: () => now, maxBatchBytes: 100_000 });
    claimSizer.claimed(1, 10_000);
    now += 1;
    claimSizer.finished();
    expect(claimSizer.next(), "10 KB bodies: ten fit in 100 KB").toBe(10);
    claimSizer.claimed(10, 10 * 200);
    for (let i = 0; i < 10; i++) {
      now += 1;
      claimSizer.finished();
    }
    expect(claimSizer.next(), "small bodies since: full batches again within a few claims").toBeGreaterThan(
      10,
    );
    for (let i = 0; i < 9; i++) claimSizer.claimed(10, 10 * 200);
    expect(claimSizer.next()).toBe(MAX_CLAIM_BATCH);
  });

  it("claims one row before anything was measured", () => {
    expect(sizer(30_000).claimSizer.next()).toBe(1);
  });

  it("claims full batches when acks come fast", () => {
    const { claimSizer, advance } = sizer(30_000);
    claimSizer.claimed(1);
    advance(5);
    claimSizer.finished();
    expect(claimSizer.next()).toBe(MAX_CLAIM_BATCH);
  });

  it("claims what the consumer finishes within a third of the timeout", () => {
    const { claimSizer, advance } = sizer(30_000);
    claimSizer.claimed(3);
    for (let i = 0; i < 3; i++) {
      advance(4_000);
      claimSizer.finished();
    }
    // 10 s budget / 4 s between acks: the 3rd row of a batch would wait 8 s, the 4th 12 s.
    expect(claimSizer.next()).toBe(2);
    claimSizer.claimed(1);
    advance(20_000);
    claimSizer.finished();
    expect(claimSizer.next(), "slower than the budget: one row at a time").toBe(1);
  });

  it("does not count idle time between batches as handling time", () => {
    const { claimSizer, advance } = sizer(30_000);
    claimSizer.claimed(1);
    advance(2);
    claimSizer.finished();
    advance(60_000); // idle: nothing claimed
    claimSizer.claimed(1);
    advance(2);
    claimSizer.finished();
    expect(claimSizer.next()).toBe(MAX_CLAIM_BATCH);
  });
});

describe("ClaimSizer with maxBudgetMs (a second's worth of work, as SQLite's single writer wants)", () => {
  it("claims what the consumer finishes within the smaller budget, one at a time for slow handlers", () => {
    let now = 0;
    const claimSizer = new ClaimSizer(30_000, 10, { maxBudgetMs: 1_000, now: () => now });
    claimSizer.claimed(4);
    for (let i = 0; i < 4; i++) {
      now += 250;
      claimSizer.finished();
    }
    expect(claimSizer.next(), "1 s budget / 250 ms between finishes").toBe(4);
    for (let i = 0; i < 5; i++) {
      claimSizer.claimed(1);
      now += 3_000; // a three-second handler
      claimSizer.finished();
    }
    expect(claimSizer.next()).toBe(1);
  });

  it("never exceeds a third of the redelivery timeout, nor max", () => {
    let now = 0;
    const claimSizer = new ClaimSizer(300, 10, { maxBudgetMs: 1_000, now: () => now });
    claimSizer.claimed(3);
    for (let i = 0; i < 3; i++) {
      now += 50;
      claimSizer.finished();
    }
    expect(claimSizer.next(), "100 ms budget / 50 ms").toBe(2);
    claimSizer.claimed(1);
    for (let i = 0; i < 30; i++) {
      claimSizer.claimed(1);
      claimSizer.finished();
    }
    expect(claimSizer.next()).toBe(10);
  });
});
