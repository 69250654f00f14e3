import { setTimeout as delay } from "node:timers/promises";

/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on one
 * machine: `performance.timeOrigin` is the process start on the wall clock, `performance.now()`
 * the monotonic time since then.
 */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number): Promise<void> => delay(Math.max(0, ms));

/** Polls `check` every `intervalMs` until it returns true; false when `timeoutMs` ran out first. */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 5,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}
