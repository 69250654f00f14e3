import { describe, expect, it } from "vitest";
import { decideRetry, shouldRetry } from "../../src/entry-points/worker.js";
import {
  DelayedMessageHandlingError,
  Envelope,
  LogicError,
  MessageDecodingFailedStamp,
  RecoverableMessageHandlingError,
  type RetryStrategy,
  UndecodableMessage,
  UnrecoverableMessageHandlingError,
} from "../../src/index.js";
import { envelope, handlerFailed, Job, strategy } from "./support.js";

const plain = () => new Error("boom");
const recoverable = (retryDelay?: number | null) =>
  new RecoverableMessageHandlingError("again", { retryDelay });
const unrecoverable = () => new UnrecoverableMessageHandlingError("never");

describe("decideRetry (the rules of §1.8)", () => {
  it.each([
    ["a plain error, retries left", plain(), 0, { retry: true, delay: 1000, reason: "strategy" }],
    ["a plain error, second retry", plain(), 1, { retry: true, delay: 2000, reason: "strategy" }],
    ["a plain error, retries used up", plain(), 3, { retry: false, reason: "exhausted" }],
    [
      "recoverable, past maxRetries",
      recoverable(),
      10,
      { retry: true, delay: 1_024_000, reason: "recoverable" },
    ],
    [
      "recoverable with its own delay",
      recoverable(5000),
      0,
      { retry: true, delay: 5000, reason: "recoverable" },
    ],
    [
      "recoverable, fractional delay rounded up",
      recoverable(150.2),
      0,
      { retry: true, delay: 151, reason: "recoverable" },
    ],
    [
      "recoverable, negative delay ignored",
      recoverable(-5),
      1,
      { retry: true, delay: 2000, reason: "recoverable" },
    ],
    ["recoverable, delay 0 honoured", recoverable(0), 2, { retry: true, delay: 0, reason: "recoverable" }],
    ["unrecoverable, retries left", unrecoverable(), 0, { retry: false, reason: "unrecoverable" }],
    [
      "all nested unrecoverable",
      handlerFailed(unrecoverable(), unrecoverable()),
      0,
      { retry: false, reason: "unrecoverable" },
    ],
    [
      "some nested unrecoverable: strategy",
      handlerFailed(unrecoverable(), plain()),
      0,
      { retry: true, delay: 1000, reason: "strategy" },
    ],
    [
      "some nested unrecoverable, exhausted",
      handlerFailed(unrecoverable(), plain()),
      3,
      { retry: false, reason: "exhausted" },
    ],
    [
      "nested recoverable after a plain one",
      handlerFailed(plain(), recoverable(200)),
      5,
      { retry: true, delay: 200, reason: "recoverable" },
    ],
    [
      "nested recoverable beats unrecoverable",
      handlerFailed(unrecoverable(), recoverable()),
      3,
      { retry: true, delay: 8000, reason: "recoverable" },
    ],
    [
      "several recoverable: the longest delay",
      handlerFailed(recoverable(100), recoverable(300), recoverable()),
      0,
      { retry: true, delay: 300, reason: "recoverable" },
    ],
    [
      "nested recoverable without delay",
      handlerFailed(recoverable(null)),
      1,
      { retry: true, delay: 2000, reason: "recoverable" },
    ],
    [
      "recoverable two aggregates deep",
      new DelayedMessageHandlingError([handlerFailed(recoverable(700))], envelope()),
      9,
      { retry: true, delay: 700, reason: "recoverable" },
    ],
    [
      "unrecoverable two aggregates deep",
      new DelayedMessageHandlingError([handlerFailed(unrecoverable()), unrecoverable()], envelope()),
      0,
      { retry: false, reason: "unrecoverable" },
    ],
  ])("%s", (_name, error, retries, expected) => {
    expect(decideRetry(error, envelope(retries), strategy)).toEqual(expected);
    expect(shouldRetry(error, envelope(retries), strategy)).toBe(expected.retry);
  });

  it("never retries a message that could not be decoded, whatever the error says", () => {
    const undecodable = Envelope.wrap(new UndecodableMessage("{bad", { type: "x" }, "bad JSON"), [
      new MessageDecodingFailedStamp("bad JSON"),
    ]);
    const error = new UnrecoverableMessageHandlingError("Message could not be decoded: bad JSON");
    expect(decideRetry(error, undecodable, strategy)).toEqual({ retry: false, reason: "undecodable" });
    expect(decideRetry(recoverable(), undecodable, strategy)).toEqual({
      retry: false,
      reason: "undecodable",
    });
    const stampedOnly = Envelope.wrap(new Job(), [new MessageDecodingFailedStamp("bad JSON")]);
    expect(decideRetry(plain(), stampedOnly, strategy).retry).toBe(false);
  });

  it("does not retry on a transport without a strategy, recoverable errors included", () => {
    expect(decideRetry(plain(), envelope(), undefined)).toEqual({ retry: false, reason: "no-strategy" });
    expect(decideRetry(recoverable(100), envelope(), undefined)).toEqual({
      retry: false,
      reason: "no-strategy",
    });
  });

  it("passes the envelope and the error to the strategy", () => {
    const seen: unknown[] = [];
    const spy: RetryStrategy = {
      isRetryable: (e, error) => {
        seen.push(["isRetryable", e, error]);
        return true;
      },
      getWaitingTime: (e, error) => {
        seen.push(["getWaitingTime", e, error]);
        return 1234.5;
      },
    };
    const env = envelope(1);
    const error = plain();
    expect(decideRetry(error, env, spy)).toEqual({ retry: true, delay: 1235, reason: "strategy" });
    expect(seen).toEqual([
      ["isRetryable", env, error],
      ["getWaitingTime", env, error],
    ]);
  });

  it("reports a strategy that returns no number instead of publishing a broken delay", () => {
    const broken: RetryStrategy = { isRetryable: () => true, getWaitingTime: () => Number.NaN };
    expect(() => decideRetry(plain(), envelope(), broken)).toThrowError(LogicError);
    expect(() => decideRetry(plain(), envelope(), broken)).toThrowError(
      "getWaitingTime() must return a number of milliseconds, got NaN.",
    );
  });
});
