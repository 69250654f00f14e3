import { describe, expect, it } from "vitest";
import { Envelope, InvalidArgumentError, MultiplierRetryStrategy, RedeliveryStamp } from "../../src/index.js";

class Job {}

/** An envelope that has been retried `retries` times so far. */
function afterRetries(retries: number): Envelope {
  return retries === 0 ? Envelope.wrap(new Job()) : Envelope.wrap(new Job(), [new RedeliveryStamp(retries)]);
}

/** `random()` values that make the jitter pick its lowest, middle and highest integer. */
const LOWEST = () => 0;
const MIDDLE = () => 0.5;
const HIGHEST = () => 0.999_999_9;

describe("MultiplierRetryStrategy", () => {
  it("has Symfony's class defaults: 3 retries, 1000 ms, multiplier 1, no cap, jitter 0.1", () => {
    const strategy = new MultiplierRetryStrategy();
    expect(strategy).toMatchObject({ maxRetries: 3, delay: 1000, multiplier: 1, maxDelay: 0, jitter: 0.1 });
    const fixed = new MultiplierRetryStrategy({ random: MIDDLE });
    expect([0, 1, 2].map((n) => fixed.getWaitingTime(afterRetries(n)))).toEqual([1000, 1000, 1000]);
  });

  it("waits delay × multiplier^retries, the retries read from the last redelivery stamp", () => {
    const strategy = new MultiplierRetryStrategy({ delay: 1000, multiplier: 2, jitter: 0 });
    expect([0, 1, 2, 3, 4].map((n) => strategy.getWaitingTime(afterRetries(n)))).toEqual([
      1000, 2000, 4000, 8000, 16000,
    ]);
    // The failure listener appends RedeliveryStamp(0): the last stamp wins, so the count restarts.
    const reset = Envelope.wrap(new Job(), [new RedeliveryStamp(3), new RedeliveryStamp(0)]);
    expect(strategy.getWaitingTime(reset)).toBe(1000);
  });

  it("rounds a fractional wait up to a whole millisecond", () => {
    const strategy = new MultiplierRetryStrategy({ delay: 333, multiplier: 1.5, jitter: 0 });
    expect(strategy.getWaitingTime(afterRetries(1))).toBe(500); // 499.5
    expect(strategy.getWaitingTime(afterRetries(2))).toBe(750); // 749.25
  });

  it("adds a uniform integer jitter in [-r, r], r = trunc(delay × jitter), both ends included", () => {
    const at = (random: () => number, retries: number) =>
      new MultiplierRetryStrategy({ delay: 1000, multiplier: 2, jitter: 0.1, random }).getWaitingTime(
        afterRetries(retries),
      );
    expect([LOWEST, MIDDLE, HIGHEST].map((r) => at(r, 0))).toEqual([900, 1000, 1100]);
    expect([LOWEST, MIDDLE, HIGHEST].map((r) => at(r, 1))).toEqual([1800, 2000, 2200]);
    expect([LOWEST, MIDDLE, HIGHEST].map((r) => at(r, 2))).toEqual([3600, 4000, 4400]);
  });

  it("truncates the jitter range: 999 ms × 0.1 gives ±99, not ±100", () => {
    const at = (random: () => number) =>
      new MultiplierRetryStrategy({ delay: 999, jitter: 0.1, random }).getWaitingTime(afterRetries(0));
    expect(at(LOWEST)).toBe(900);
    expect(at(HIGHEST)).toBe(1098);
  });

  it("never leaves [delay - r, delay + r] and reaches every integer in it", () => {
    let i = 0;
    // Steps through [0, 1) finely enough to hit each of the 2r + 1 = 21 outcomes.
    const sweep = () => (i++ % 1000) / 1000;
    const strategy = new MultiplierRetryStrategy({ delay: 100, jitter: 0.1, random: sweep });
    const seen = new Set<number>();
    for (let n = 0; n < 1000; n++) seen.add(strategy.getWaitingTime(afterRetries(0)));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, k) => 90 + k));
  });

  it("stays within bounds with the real Math.random", () => {
    const strategy = new MultiplierRetryStrategy({ delay: 1000, multiplier: 2, jitter: 0.1 });
    for (let n = 0; n < 500; n++) {
      const wait = strategy.getWaitingTime(afterRetries(1));
      expect(Number.isInteger(wait)).toBe(true);
      expect(wait).toBeGreaterThanOrEqual(1800);
      expect(wait).toBeLessThanOrEqual(2200);
    }
  });

  it("caps at maxDelay after the jitter, so a capped wait is exactly maxDelay", () => {
    const at = (random: () => number, retries: number) =>
      new MultiplierRetryStrategy({
        delay: 1000,
        multiplier: 2,
        maxDelay: 1050,
        jitter: 0.1,
        random,
      }).getWaitingTime(afterRetries(retries));
    expect(at(HIGHEST, 0)).toBe(1050); // 1100 jittered, then capped
    expect(at(LOWEST, 0)).toBe(900); // under the cap: the jitter stays
    expect(at(LOWEST, 3)).toBe(1050); // 8000 - 800, still over the cap
    const noCap = new MultiplierRetryStrategy({ delay: 1000, multiplier: 2, maxDelay: 0, jitter: 0 });
    expect(noCap.getWaitingTime(afterRetries(10))).toBe(1_024_000);
  });

  it("keeps an astronomically retried wait a safe integer", () => {
    const strategy = new MultiplierRetryStrategy({ delay: 1000, multiplier: 10, random: MIDDLE });
    const wait = strategy.getWaitingTime(afterRetries(400));
    expect(Number.isSafeInteger(wait)).toBe(true);
  });

  it("is retryable while the retries so far are below maxRetries", () => {
    const strategy = new MultiplierRetryStrategy({ maxRetries: 3 });
    expect([0, 1, 2, 3, 4].map((n) => strategy.isRetryable(afterRetries(n)))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(new MultiplierRetryStrategy({ maxRetries: 0 }).isRetryable(afterRetries(0))).toBe(false);
  });

  it.each([
    [{ maxRetries: -1 }, '"maxRetries" must be an integer >= 0, got -1'],
    [{ maxRetries: 1.5 }, '"maxRetries" must be an integer >= 0, got 1.5'],
    [{ delay: -1 }, '"delay" must be a finite number >= 0, got -1'],
    [{ delay: Number.NaN }, '"delay" must be a finite number >= 0, got NaN'],
    [{ multiplier: 0.5 }, '"multiplier" must be a finite number >= 1, got 0.5'],
    [{ maxDelay: -5 }, '"maxDelay" must be a finite number >= 0 (0: no cap), got -5'],
    [{ jitter: 1.5 }, '"jitter" must be a number from 0 to 1, got 1.5'],
    [{ jitter: -0.1 }, '"jitter" must be a number from 0 to 1, got -0.1'],
    [{ delay: "1000" as unknown as number }, '"delay" must be a finite number >= 0, got "1000"'],
  ])("rejects %o, naming the value and the allowed range", (options, message) => {
    const attempt = () => new MultiplierRetryStrategy(options);
    expect(attempt).toThrowError(InvalidArgumentError);
    expect(attempt).toThrowError(message);
    expect(() => attempt()).toThrowError(expect.objectContaining({ code: "INVALID_RETRY_STRATEGY" }));
  });

  it("accepts the edges of every range", () => {
    expect(
      () => new MultiplierRetryStrategy({ maxRetries: 0, delay: 0, multiplier: 1, maxDelay: 0, jitter: 0 }),
    ).not.toThrow();
    expect(() => new MultiplierRetryStrategy({ jitter: 1 })).not.toThrow();
  });
});
