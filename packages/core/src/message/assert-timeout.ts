import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { MessengerErrorCode } from "../errors/messenger-error-code.js";

/**
 * A handler timeout is a whole number of milliseconds > 0, at most what `setTimeout` can wait
 * (about 24.8 days; beyond, Node.js fires at once).
 */
export function assertTimeout(value: unknown, what: string, code: MessengerErrorCode): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0 || value > 2_147_483_647) {
    throw new InvalidArgumentError(
      `${what} must be a whole number of milliseconds between 1 and 2147483647, got ${String(value)}.`,
      { code },
    );
  }
}
