import { describe, expect, it } from "vitest";
import { ClaimSizer, MAX_CLAIM } from "../src/claim-sizer.js";

describe("ClaimSizer", () => {
  it("claims one message until messages finish, then about a second's worth, at most ten", () => {
    let now = 0;
    const sizer = new ClaimSizer(() => now);
    expect(sizer.next()).toBe(1);
    for (let i = 0; i < 4; i++) sizer.finished();
    expect(sizer.next()).toBe(4);
    for (let i = 0; i < 40; i++) sizer.finished();
    expect(sizer.next()).toBe(MAX_CLAIM);
    now += 1_500; // the last window still counts...
    expect(sizer.next()).toBe(MAX_CLAIM);
    now += 2_500; // ...but not once it is long past
    expect(sizer.next()).toBe(1);
  });

  it("keeps claiming one at a time for slow handlers, so a batch never waits behind one", () => {
    let now = 0;
    const sizer = new ClaimSizer(() => now);
    for (let i = 0; i < 20; i++) {
      expect(sizer.next()).toBe(1);
      now += 3_000; // a three-second handler
      sizer.finished();
    }
  });
});
