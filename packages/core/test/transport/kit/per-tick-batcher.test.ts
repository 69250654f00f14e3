import { describe, expect, it } from "vitest";
import { PerTickBatcher } from "../../../src/transport/kit/index.js";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe("PerTickBatcher", () => {
  it("flushes what one turn collected with one call, and every caller gets that call's result", async () => {
    const calls: number[][] = [];
    const batcher = new PerTickBatcher<number, number>(async (items) => {
      calls.push(items);
      return items.length;
    });
    const results = await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(results).toEqual([3, 3, 3]);
  });

  it("hands what the turn collected to a call sent with it instead of its own flush (sendWith)", async () => {
    const flushed: number[][] = [];
    const carried: number[][] = [];
    const batcher = new PerTickBatcher<number, string>(async (items) => {
      flushed.push(items);
      return "flush";
    });
    batcher.sendWith(async () => "nothing to carry");
    const first = [batcher.add(1), batcher.add(2)];
    expect(batcher.pending).toBe(2);
    batcher.sendWith(async (items) => {
      carried.push(items);
      return "carried";
    });
    expect(batcher.pending).toBe(0);
    const later = batcher.add(3);
    expect(await Promise.all(first)).toEqual(["carried", "carried"]);
    expect(await later).toBe("flush");
    expect(carried).toEqual([[1, 2]]);
    expect(flushed, "the carried ones are not flushed again").toEqual([[3]]);
    await batcher.drain();
  });

  it("rejects every caller of a failed flush, and goes on with the next", async () => {
    let fail = true;
    const batcher = new PerTickBatcher<number>(async () => {
      if (fail) throw new Error("boom");
    });
    const results = await Promise.allSettled([batcher.add(1), batcher.add(2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(batcher.add(3)).resolves.toBeUndefined();
  });

  it("runs one flush at a time by default: what arrives meanwhile goes together into the next (group commit)", async () => {
    const calls: number[][] = [];
    const gates: ReturnType<typeof deferred>[] = [];
    const batcher = new PerTickBatcher<number>((items) => {
      calls.push(items);
      const gate = deferred();
      gates.push(gate);
      return gate.promise;
    });
    const first = batcher.add(1);
    await tick();
    const second = [batcher.add(2), batcher.add(3)];
    await tick();
    await tick();
    batcher.add(4);
    await tick();
    expect(calls, "nothing more while the first runs").toEqual([[1]]);
    gates[0]!.resolve();
    await first;
    await tick();
    expect(calls).toEqual([[1], [2, 3, 4]]);
    gates[1]!.resolve();
    await Promise.all(second);
  });

  it("with overlap, flushes every turn even while earlier flushes run", async () => {
    const calls: number[][] = [];
    const gate = deferred();
    const batcher = new PerTickBatcher<number>(
      (items) => {
        calls.push(items);
        return gate.promise;
      },
      { overlap: true },
    );
    batcher.add(1);
    await tick();
    batcher.add(2);
    await tick();
    expect(calls).toEqual([[1], [2]]);
    gate.resolve();
    await batcher.drain();
  });

  it.each([false, true])(
    "drain() (overlap %s) resolves once every item added so far was flushed, failed ones too",
    async (overlap) => {
      const flushed: number[] = [];
      const gates: ReturnType<typeof deferred>[] = [];
      const batcher = new PerTickBatcher<number>(
        (items) => {
          const gate = deferred();
          gates.push(gate);
          return gate.promise.then(() => {
            flushed.push(...items);
            if (items.includes(2)) throw new Error("boom");
          });
        },
        { overlap },
      );
      const added = [batcher.add(1)];
      await tick();
      const failing = batcher.add(2);
      const failure = expect(failing).rejects.toThrow("boom");
      added.push(failing);
      let drained = false;
      const drain = batcher.drain().then(() => {
        drained = true;
      });
      // Open each flush as it starts.
      for (let i = 0; i < 10 && !drained; i++) {
        for (const gate of gates) gate.resolve();
        await tick();
      }
      await drain;
      expect(flushed.sort()).toEqual([1, 2]);
      await failure;
      await expect(batcher.drain()).resolves.toBeUndefined();
    },
  );

  it("drain() on an idle batcher resolves at once", async () => {
    await expect(new PerTickBatcher<number>(async () => {}).drain()).resolves.toBeUndefined();
  });
});
