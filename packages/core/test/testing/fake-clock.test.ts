import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/errors/invalid-argument-error.js";
import { FakeClock } from "../../src/testing/fake-clock.js";

/** Records which sleeps have resolved, so a test can assert on "not yet" as well as "now". */
function track(promise: Promise<void>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => {
    state.done = true;
  });
  return state;
}

describe("FakeClock", () => {
  it("starts at a fixed time by default, or at the given one, and stands still", async () => {
    expect(new FakeClock().now()).toBe(Date.UTC(2024, 0, 1));
    const clock = new FakeClock(new Date("2030-02-03T04:05:06.007Z"));
    expect(clock.now()).toBe(Date.parse("2030-02-03T04:05:06.007Z"));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clock.now()).toBe(Date.parse("2030-02-03T04:05:06.007Z"));
  });

  it("advance moves now() forward and set() jumps to any time, backwards too", async () => {
    const clock = new FakeClock(1_000);
    await clock.advance(250);
    expect(clock.now()).toBe(1_250);
    clock.set(500);
    expect(clock.now()).toBe(500);
  });

  it("wakes a sleeper only when time reaches its deadline", async () => {
    const clock = new FakeClock(0);
    const sleep = track(clock.sleep(1_000));
    await clock.advance(999);
    expect(sleep.done).toBe(false);
    expect(clock.pendingSleeps).toBe(1);
    await clock.advance(1);
    expect(sleep.done).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
  });

  it("wakes sleepers in deadline order, each seeing its own deadline as now()", async () => {
    const clock = new FakeClock(0);
    const seen: string[] = [];
    const sleeper = (label: string, ms: number) =>
      clock.sleep(ms).then(() => {
        seen.push(`${label}@${clock.now()}`);
      });
    void sleeper("c", 300);
    void sleeper("a", 100);
    void sleeper("b", 200);
    void sleeper("a2", 100);
    await clock.advance(1_000);
    expect(seen).toEqual(["a@100", "a2@100", "b@200", "c@300"]);
    expect(clock.now()).toBe(1_000);
  });

  it("lets the woken code run and sleep again within the same advance", async () => {
    const clock = new FakeClock(0);
    const ticks: number[] = [];
    let stopped = false;
    const poller = (async () => {
      while (!stopped) {
        await clock.sleep(100);
        // A few awaits between waking and sleeping again, like a real polling loop.
        await Promise.resolve();
        await Promise.resolve();
        ticks.push(clock.now());
      }
    })();
    await clock.advance(350);
    expect(ticks).toEqual([100, 200, 300]);
    stopped = true;
    await clock.advance(100);
    await poller;
    expect(ticks).toEqual([100, 200, 300, 400]);
  });

  it("resolves a sleep at once when its signal aborts, and forgets it", async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const sleep = track(clock.sleep(60_000, controller.signal));
    await Promise.resolve();
    expect(sleep.done).toBe(false);
    controller.abort();
    await Promise.resolve();
    await Promise.resolve();
    expect(sleep.done).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
    expect(clock.now()).toBe(0);
  });

  it("does not wait for an already aborted signal or a zero, negative or NaN duration", async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    controller.abort();
    await clock.sleep(1_000, controller.signal);
    await clock.sleep(0);
    await clock.sleep(-5);
    await clock.sleep(Number.NaN);
    expect(clock.pendingSleeps).toBe(0);
  });

  it("set() wakes every sleeper that became due, but not the others", async () => {
    const clock = new FakeClock(0);
    const early = track(clock.sleep(100));
    const late = track(clock.sleep(5_000));
    clock.set(1_000);
    await Promise.resolve();
    expect(early.done).toBe(true);
    expect(late.done).toBe(false);
    clock.set(0);
    await clock.advance(4_999);
    expect(late.done).toBe(false);
    await clock.advance(1);
    expect(late.done).toBe(true);
  });

  it("rejects moving backwards with advance and invalid times", async () => {
    const clock = new FakeClock(0);
    await expect(clock.advance(-1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(clock.advance(Number.NaN)).rejects.toThrow(/advance\(\)/);
    expect(() => clock.set(new Date("nonsense"))).toThrow(InvalidArgumentError);
    expect(() => new FakeClock(Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    expect(clock.now()).toBe(0);
  });
});
