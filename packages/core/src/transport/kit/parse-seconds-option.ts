import { invalid } from "./invalid-option.js";

/** The most seconds a duration option takes: keeps `now - timeout` and keepalive timers in safe ranges. */
export const MAX_OPTION_SECONDS = 2_000_000;

/** A number, or a plain decimal string (no sign, exponent or spaces); NaN for anything else. */
export function toOptionNumber(value: unknown): number {
  if (typeof value === "number") return value;
  return typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
}

/** Seconds > 0 (fractions allowed: tests use short timeouts) and at most {@link MAX_OPTION_SECONDS}. */
export function parseSecondsOption(value: unknown, option: string, label: string): number {
  const seconds = toOptionNumber(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_OPTION_SECONDS) {
    throw invalid(
      option,
      value,
      label,
      `a number of seconds > 0 and at most ${MAX_OPTION_SECONDS} (e.g. 30)`,
    );
  }
  return seconds;
}

/** {@link parseSecondsOption}, returned in whole milliseconds (at least 1). */
export function parseSecondsOptionAsMs(value: unknown, option: string, label: string): number {
  return Math.max(1, Math.round(parseSecondsOption(value, option, label) * 1000));
}
