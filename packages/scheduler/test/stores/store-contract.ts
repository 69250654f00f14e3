import { describe, expect, it } from "vitest";
import type { CheckpointStore, LockStore } from "../../src/index.js";

export interface StoreUnderTest {
  /** A store; several calls may share one backend (two processes' stores). */
  readonly create: () => LockStore & CheckpointStore;
  /** Lets `ms` pass for the store's expiry clock. */
  readonly wait: (ms: number) => Promise<void>;
}

/** What every lock and checkpoint store must do, whatever its backend. */
export function describeScheduleStoreContract(name: string, setup: () => StoreUnderTest, skip = false): void {
  describe.skipIf(skip)(`${name}: the lock and checkpoint store contract`, () => {
    it("takes a free lock, renews it for its owner and refuses it to others", async () => {
      const { create } = setup();
      const [a, b] = [create(), create()];
      expect(await a.acquire("schedule:one", "owner-a", 10_000)).toBe(true);
      expect(await b.acquire("schedule:one", "owner-b", 10_000)).toBe(false);
      expect(await a.acquire("schedule:one", "owner-a", 10_000)).toBe(true);
      // Locks of other keys are independent.
      expect(await b.acquire("schedule:two", "owner-b", 10_000)).toBe(true);
    });

    it("lets another owner take the lock once it expired", async () => {
      const { create, wait } = setup();
      const [a, b] = [create(), create()];
      expect(await a.acquire("schedule:expiring", "owner-a", 300)).toBe(true);
      expect(await b.acquire("schedule:expiring", "owner-b", 300)).toBe(false);
      await wait(450);
      expect(await b.acquire("schedule:expiring", "owner-b", 10_000)).toBe(true);
      expect(await a.acquire("schedule:expiring", "owner-a", 10_000)).toBe(false);
    });

    it("releases only for the owner", async () => {
      const { create } = setup();
      const [a, b] = [create(), create()];
      await a.acquire("schedule:release", "owner-a", 10_000);
      await b.release("schedule:release", "owner-b");
      expect(await b.acquire("schedule:release", "owner-b", 10_000)).toBe(false);
      await a.release("schedule:release", "owner-a");
      expect(await b.acquire("schedule:release", "owner-b", 10_000)).toBe(true);
    });

    it("gives the lock to exactly one of many concurrent takers", async () => {
      const { create } = setup();
      const stores = Array.from({ length: 8 }, () => create());
      const results = await Promise.all(
        stores.map((s, i) => s.acquire("schedule:race", `owner-${i}`, 10_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("loads nothing before the first save, then the last state saved, from any instance", async () => {
      const { create } = setup();
      const [a, b] = [create(), create()];
      expect(await a.load("schedule:state")).toBeNull();
      await a.save("schedule:state", { time: 1_704_067_200_000, index: -1, from: 1_704_067_200_000 });
      await a.save("schedule:state", { time: 1_704_067_260_000, index: 2, from: 1_704_067_200_000 });
      expect(await b.load("schedule:state")).toEqual({
        time: 1_704_067_260_000,
        index: 2,
        from: 1_704_067_200_000,
      });
      expect(await b.load("schedule:other")).toBeNull();
    });
  });
}
