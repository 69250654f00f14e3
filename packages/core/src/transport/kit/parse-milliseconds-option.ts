import { invalid } from "./invalid-option.js";
import { MAX_OPTION_SECONDS } from "./parse-seconds-option.js";

/**
 * A duration given to a transport's constructor, in milliseconds: a number > 0 (fractions
 * allowed) up to the DSN's bound of {@link MAX_OPTION_SECONDS} seconds. Constructor options are
 * typed, so strings are refused.
 */
export function parseMillisecondsOption(value: unknown, option: string, label: string): number {
  const max = MAX_OPTION_SECONDS * 1000;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > max) {
    throw invalid(option, value, label, `a number of milliseconds > 0 and at most ${max}`);
  }
  return value;
}
