import { describe, expect, it } from "vitest";
import { StopRace } from "../../src/worker/stop-race.js";

describe("StopRace", () => {
  it("answers the promise's outcome, or the stop value once stop() is called, and at once after it", async () => {
    const race = new StopRace();
    expect(await race.race(Promise.resolve(1), "stopped")).toBe(1);
    await expect(race.race(Promise.reject(new Error("down")), 0)).rejects.toThrow("down");
    const hanging = race.race(new Promise<number>(() => {}), "stopped");
    const other = race.race(new Promise<number>(() => {}), "also stopped");
    race.stop();
    expect(race.stopped).toBe(true);
    expect(await hanging).toBe("stopped");
    expect(await other).toBe("also stopped");
    expect(await race.race(Promise.resolve(2), "stopped")).toBe("stopped");
  });

  it("keeps nothing of a race once it settled: nothing piles up over a worker's life", async () => {
    const race = new StopRace();
    for (let i = 0; i < 100; i++) await race.race(Promise.resolve(i), -1);
    await race.race(Promise.reject(new Error("x")), -1).catch(() => {});
    expect(race.racing).toBe(0);
    let settle!: (value: number) => void;
    const pending = race.race(new Promise<number>((resolve) => (settle = resolve)), -1);
    expect(race.racing).toBe(1);
    settle(7);
    expect(await pending).toBe(7);
    expect(race.racing).toBe(0);
  });
});
