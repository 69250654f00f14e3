import { describe, expect, it } from "vitest";
import { ClaimSizer, MAX_FETCH_BATCH } from "../src/claim-sizer.js";

function sizer(timeoutMs: number) {
  let now = 0;
  const claimSizer = new ClaimSizer(timeoutMs, () => now);
  return { claimSizer, advance: (ms: number) => (now += ms) };
}

describe("ClaimSizer", () => {
  it("fetches one entry before anything was measured", () => {
    expect(sizer(30_000).claimSizer.next()).toBe(1);
  });

  it("fetches full batches when acks come fast", () => {
    const { claimSizer, advance } = sizer(30_000);
    claimSizer.claimed(1);
    advance(5);
    claimSizer.finished();
    expect(claimSizer.next()).toBe(MAX_FETCH_BATCH);
  });

  it("fetches what the consumer finishes within a third of the timeout", () => {
    const { claimSizer, advance } = sizer(30_000);
    claimSizer.claimed(3);
    for (let i = 0; i < 3; i++) {
      advance(4_000);
      claimSizer.finished();
    }
    // 10 s budget / 4 s between acks: the 3rd entry of a batch would wait 8 s, the 4th 12 s.
    expect(claimSizer.next()).toBe(2);
    claimSizer.claimed(1);
    advance(20_000);
    claimSizer.finished();
    expect(claimSizer.next(), "slower than the budget: one entry at a time").toBe(1);
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
    expect(claimSizer.next()).toBe(MAX_FETCH_BATCH);
  });
});
