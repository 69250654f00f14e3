import { invalid } from "./invalid-option.js";
import { toOptionNumber } from "./parse-seconds-option.js";

/** A whole number in [min, max], given as a number or a decimal string. */
export function parseWholeNumberOption(
  value: unknown,
  option: string,
  label: string,
  min: number,
  max: number,
): number {
  const n = toOptionNumber(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw invalid(option, value, label, `a whole number from ${min} to ${max}`);
  }
  return n;
}
