import { describe, expect, it } from "vitest";
import { StatementBatcher } from "../src/statement-batcher.js";

describe("StatementBatcher", () => {
  it("runs calls of the same turn as one statement, and calls made meanwhile as the next", async () => {
    const runs: number[][] = [];
    let release: () => void = () => {};
    const batcher = new StatementBatcher<number>(async (items) => {
      runs.push([...items]);
      if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = [batcher.add(1), batcher.add(2), batcher.add(3)];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [batcher.add(4), batcher.add(5)];
    let secondDone = false;
    void Promise.all(second).then(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toEqual([[1, 2, 3]]);
    expect(secondDone).toBe(false);
    release();
    await Promise.all([...first, ...second]);
    expect(runs).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it("rejects every call of a failed statement, and goes on with the next ones", async () => {
    let fail = true;
    const batcher = new StatementBatcher<number>(async () => {
      if (fail) throw new Error("database down");
    });
    const results = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(batcher.add(3)).resolves.toBeUndefined();
  });

  it("drains what is pending", async () => {
    const seen: number[] = [];
    const batcher = new StatementBatcher<number>(async (items) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(...items);
    });
    void batcher.add(1);
    void batcher.add(2);
    await batcher.drain();
    expect(seen).toEqual([1, 2]);
  });
});
