import { InvalidArgumentError } from "../errors/invalid-argument-error.js";

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Throws unless `value` is a whole number > 0; `what` names the limit in the message. */
export function assertPositiveInteger(what: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${what} must be a whole number > 0, got ${show(value)}.`, {
      code: "INVALID_LIMIT",
    });
  }
}

/** Throws unless `value` is a finite number > 0 (durations may be fractional milliseconds). */
export function assertPositiveNumber(what: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${what} must be a number > 0, got ${show(value)}.`, {
      code: "INVALID_LIMIT",
    });
  }
}
