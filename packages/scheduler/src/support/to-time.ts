import { InvalidArgumentError } from "@messenger-ts/core";

/** A point in time as the scheduler accepts it: a Date, epoch milliseconds, or an ISO 8601 string. */
export type DateInput = Date | number | string;

/** Epoch milliseconds of a date input; an invalid one is an error naming `what`. */
export function toTime(value: DateInput, what: string): number {
  const time =
    value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : value;
  if (typeof time !== "number" || !Number.isFinite(time)) {
    throw new InvalidArgumentError(
      `Invalid ${what} ${JSON.stringify(value instanceof Date ? String(value) : value)}: expected a valid Date, epoch milliseconds or an ISO 8601 string.`,
      { code: "INVALID_DATE" },
    );
  }
  return time;
}
