import type { Envelope } from "../envelope/envelope.js";
import { LogicError } from "../errors/logic-error.js";
import type { RetryStrategy } from "./retry-strategy.js";

/**
 * Asks a strategy how long to wait and makes the answer something a delay stamp accepts: whole
 * milliseconds, at least 0. A custom strategy returning no number at all is a bug worth a clear
 * error rather than a message published with a broken delay.
 */
export function waitingTimeOf(strategy: RetryStrategy, envelope: Envelope, error?: Error): number {
  const value = strategy.getWaitingTime(envelope, error);
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new LogicError(
      `${strategy.constructor?.name ?? "The retry strategy"}.getWaitingTime() must return a number of milliseconds, got ${String(value)}.`,
      { code: "INVALID_RETRY_DELAY" },
    );
  }
  return toDelayMs(value);
}

/** Whole milliseconds in the range a delay stamp accepts. */
export function toDelayMs(value: number): number {
  return Math.min(Math.max(0, Math.ceil(value)), Number.MAX_SAFE_INTEGER);
}
