import { describe, expect, it } from "vitest";
import { decideRetry } from "../../src/entry-points/worker.js";
import {
  RETRY_DELAY,
  RETRYABLE,
  RecoverableMessageHandlingError,
  type RetryMarked,
  retryableOf,
  retryDelayOf,
  UnrecoverableMessageHandlingError,
} from "../../src/index.js";
import { envelope, handlerFailed, strategy } from "./support.js";

/** An application's own errors: no class of ours in their chain. */
class UnknownCustomerError extends Error implements RetryMarked {
  readonly [RETRYABLE] = false;
}

class RateLimitedError extends Error implements RetryMarked {
  readonly [RETRYABLE] = true;
  readonly [RETRY_DELAY]: number | null;

  constructor(retryAfterMs: number | null) {
    super("rate limited");
    this[RETRY_DELAY] = retryAfterMs;
  }
}

/** The marker set on an error thrown by code that does not even import core. */
function marked(retryable: unknown, delay?: unknown): Error {
  const error = new Error("marked");
  Object.assign(error, { [Symbol.for("messenger-ts.retryable")]: retryable });
  if (delay !== undefined) Object.assign(error, { [Symbol.for("messenger-ts.retry-delay")]: delay });
  return error;
}

describe("the retry marker", () => {
  it.each([
    [
      "unrecoverable, retries left",
      new UnknownCustomerError("no"),
      0,
      { retry: false, reason: "unrecoverable" },
    ],
    [
      "recoverable past maxRetries, its own delay",
      new RateLimitedError(2500),
      7,
      { retry: true, delay: 2500, reason: "recoverable" },
    ],
    [
      "recoverable without a delay: the strategy's",
      new RateLimitedError(null),
      3,
      { retry: true, delay: 8000, reason: "recoverable" },
    ],
    ["set by Symbol.for, false", marked(false), 0, { retry: false, reason: "unrecoverable" }],
    ["set by Symbol.for, true", marked(true, 40), 5, { retry: true, delay: 40, reason: "recoverable" }],
    ["a value other than a boolean is no marker", marked("yes"), 3, { retry: false, reason: "exhausted" }],
    ["so is 1", marked(1, 40), 0, { retry: true, delay: 1000, reason: "strategy" }],
    [
      "a delay without `true` is ignored",
      marked(undefined, 40),
      0,
      { retry: true, delay: 1000, reason: "strategy" },
    ],
    [
      "a plain `retryable` property is not the marker",
      Object.assign(new Error("driver"), { retryable: true }),
      3,
      { retry: false, reason: "exhausted" },
    ],
    [
      "every nested error marked unrecoverable",
      handlerFailed(new UnknownCustomerError("a"), marked(false)),
      0,
      { retry: false, reason: "unrecoverable" },
    ],
    [
      "one nested error marked unrecoverable, one plain: the strategy",
      handlerFailed(new UnknownCustomerError("a"), new Error("b")),
      0,
      { retry: true, delay: 1000, reason: "strategy" },
    ],
    [
      "a nested recoverable one wins, with the longest delay",
      handlerFailed(
        new UnknownCustomerError("a"),
        new RateLimitedError(300),
        new RecoverableMessageHandlingError("c", { retryDelay: 200 }),
      ),
      9,
      { retry: true, delay: 300, reason: "recoverable" },
    ],
  ])("%s", (_name, error, retries, expected) => {
    expect(decideRetry(error, envelope(retries), strategy)).toEqual(expected);
  });

  it("is what our recoverable and unrecoverable errors carry", () => {
    const recoverable = new RecoverableMessageHandlingError("again", { retryDelay: 1500 });
    expect(recoverable[RETRYABLE]).toBe(true);
    expect(recoverable[RETRY_DELAY]).toBe(1500);
    expect(retryDelayOf(recoverable)).toBe(1500);
    expect(retryDelayOf(new RecoverableMessageHandlingError("again"))).toBeUndefined();
    expect(retryableOf(new UnrecoverableMessageHandlingError("never"))).toBe(false);
  });

  it("is read from anything thrown, not only errors", () => {
    expect(retryableOf({ [RETRYABLE]: false })).toBe(false);
    expect(retryableOf("boom")).toBeUndefined();
    expect(retryableOf(null)).toBeUndefined();
    expect(retryDelayOf({ [RETRYABLE]: true, [RETRY_DELAY]: -1 })).toBeUndefined();
    expect(retryDelayOf({ [RETRYABLE]: true, [RETRY_DELAY]: Number.NaN })).toBeUndefined();
    expect(retryDelayOf({ [RETRYABLE]: true, [RETRY_DELAY]: 0 })).toBe(0);
  });

  it("uses the well-known keys, so another copy of core reads it", () => {
    expect(RETRYABLE).toBe(Symbol.for("messenger-ts.retryable"));
    expect(RETRY_DELAY).toBe(Symbol.for("messenger-ts.retry-delay"));
  });
});
