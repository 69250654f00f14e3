import { describe, expect, it } from "vitest";
import { PerTickBatch } from "../src/per-tick-batch.js";

describe("PerTickBatch", () => {
  it("flushes what was added in one turn of the event loop in one call, and later adds in another", async () => {
    const flushed: number[][] = [];
    const batch = new PerTickBatch<number, number>(async (items) => {
      flushed.push(items);
      return items.length;
    });
    const first = await Promise.all([batch.add(1), batch.add(2), batch.add(3)]);
    expect(first).toEqual([3, 3, 3]);
    await batch.add(4);
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it("rejects every caller of a failed flush, and drain() waits for flushes in flight", async () => {
    let release: () => void = () => undefined;
    const batch = new PerTickBatch<number>(async (items) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      if (items.includes(0)) throw new Error("Redis said no");
    });
    const failing = [batch.add(0), batch.add(1)].map((p) =>
      p.then(
        () => "ok",
        (e: Error) => e.message,
      ),
    );
    let drained = false;
    const draining = batch.drain().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    release();
    expect(await Promise.all(failing)).toEqual(["Redis said no", "Redis said no"]);
    await draining;
    expect(drained).toBe(true);
  });
});
