import { describe, expect, it } from "vitest";
import { ClaimSizer } from "../../src/index.js";

const MAX_CLAIM_BATCH = 100;

function sizer(timeoutMs: number) {
  let now = 0;
  const claimSizer = new ClaimSizer(timeoutMs, MAX_CLAIM_BATCH, () => now);
  return { claimSizer, advance: (ms: number) => (now += ms) };
}

describe("ClaimSizer", () => {
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
