import { InvalidArgumentError } from "commander";

/**
 * Value parsers for commander options and arguments. A bad value is a usage error (exit code 2)
 * whose message names the value and what is allowed.
 */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`"${value}" is not a positive integer.`);
  }
  return n;
}

/** A TCP port, 0 (any free one) to 65535 (`--port`). */
export function port(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n > 65_535) {
    throw new InvalidArgumentError(`"${value}" is not a port: expected 0 to 65535.`);
  }
  return n;
}

/** Seconds, fractions allowed, greater than zero (`--sleep=0.5`). */
export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`"${value}" is not a positive number of seconds.`);
  }
  return n;
}

/** Seconds, fractions allowed, zero or more. */
export function nonNegativeSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`"${value}" is not a number of seconds (0 or more).`);
  }
  return n;
}

/** One of a fixed list. */
export function choice<T extends string>(allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`"${value}" is not allowed; use one of: ${allowed.join(", ")}.`);
    }
    return value as T;
  };
}

/** A date and time `Date.parse` accepts (ISO 8601 is safest), or `now`. */
export function dateTime(value: string): Date {
  const date = value === "now" ? new Date() : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(`"${value}" is not a date; use ISO 8601, e.g. 2026-01-31T12:00:00Z.`);
  }
  return date;
}

/** For repeatable options: `--queues=a --queues=b`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
