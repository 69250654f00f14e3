import { describe, expect, it } from "vitest";
import { raceSignal } from "../../src/worker/race-signal.js";

describe("raceSignal", () => {
  it("answers the promise's value, or the abort value once the signal aborts", async () => {
    const controller = new AbortController();
    expect(await raceSignal(Promise.resolve(1), controller.signal, "stopped")).toBe(1);
    const pending = raceSignal(new Promise<number>(() => {}), controller.signal, "stopped");
    controller.abort();
    expect(await pending).toBe("stopped");
    expect(await raceSignal(Promise.resolve(2), controller.signal, "stopped")).toBe("stopped");
    await expect(
      raceSignal(Promise.reject(new Error("down")), new AbortController().signal, 0),
    ).rejects.toThrow("down");
  });

  it("removes its abort listener once the promise settled: nothing piles up over a worker's life", async () => {
    const controller = new AbortController();
    const listeners = new Set<unknown>();
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, listener: () => void, options?: { once?: boolean }) => {
      listeners.add(listener);
      add(type, listener, options);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, listener: () => void) => {
      listeners.delete(listener);
      remove(type, listener);
    }) as typeof signal.removeEventListener;
    for (let i = 0; i < 100; i++) await raceSignal(Promise.resolve(i), signal, -1);
    await raceSignal(Promise.reject(new Error("x")), signal, -1).catch(() => {});
    expect(listeners.size).toBe(0);
  });
});
