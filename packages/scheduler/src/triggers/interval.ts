import { InvalidArgumentError } from "@messenger-ts/core";

/**
 * An interval between runs: calendar months (which vary in length) plus a fixed number of
 * milliseconds. Weeks, days and shorter units are fixed: the scheduler computes in UTC, where a
 * day is always 24 hours.
 */
export interface Interval {
  readonly months: number;
  readonly ms: number;
}

const UNITS: Readonly<Record<string, { readonly ms?: number; readonly months?: number }>> = {
  ms: { ms: 1 },
  msec: { ms: 1 },
  msecs: { ms: 1 },
  millisecond: { ms: 1 },
  milliseconds: { ms: 1 },
  s: { ms: 1_000 },
  sec: { ms: 1_000 },
  secs: { ms: 1_000 },
  second: { ms: 1_000 },
  seconds: { ms: 1_000 },
  min: { ms: 60_000 },
  mins: { ms: 60_000 },
  minute: { ms: 60_000 },
  minutes: { ms: 60_000 },
  h: { ms: 3_600_000 },
  hr: { ms: 3_600_000 },
  hrs: { ms: 3_600_000 },
  hour: { ms: 3_600_000 },
  hours: { ms: 3_600_000 },
  d: { ms: 86_400_000 },
  day: { ms: 86_400_000 },
  days: { ms: 86_400_000 },
  w: { ms: 604_800_000 },
  week: { ms: 604_800_000 },
  weeks: { ms: 604_800_000 },
  month: { months: 1 },
  months: { months: 1 },
  y: { months: 12 },
  yr: { months: 12 },
  yrs: { months: 12 },
  year: { months: 12 },
  years: { months: 12 },
};

const ISO =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const PART = /([+]?\d+(?:\.\d+)?)\s*([a-z]+)/gi;
const SEPARATORS = /^(?:[\s,]|and)*$/i;

function invalid(value: unknown, why: string): never {
  throw new InvalidArgumentError(
    `Invalid interval ${JSON.stringify(value)}: ${why}. Give milliseconds (a number > 0), a relative string such as "10 minutes", "1 week" or "1 hour 30 minutes", or an ISO 8601 duration such as "PT1H".`,
    { code: "INVALID_INTERVAL" },
  );
}

/** Parses milliseconds, `"10 minutes"`-style strings or ISO 8601 durations (`P1D`, `PT30S`). */
export function parseInterval(value: number | string): Interval {
  let interval: Interval;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value <= 0) invalid(value, "a number must be whole milliseconds > 0");
    interval = { months: 0, ms: value };
  } else if (typeof value === "string") {
    const text = value.trim();
    if (/^\d+$/.test(text)) interval = { months: 0, ms: Number(text) };
    else if (/^P/i.test(text)) interval = parseIso(value, text);
    else interval = parseRelative(value, text);
  } else {
    invalid(value, `expected a number or a string, got ${typeof value}`);
  }
  if (interval.months === 0 && interval.ms <= 0) invalid(value, "it must be longer than zero");
  if (!Number.isSafeInteger(interval.ms)) invalid(value, "it must come to whole milliseconds");
  return interval;
}

function parseIso(value: string, text: string): Interval {
  const match = ISO.exec(text);
  if (!match || text.endsWith("T")) invalid(value, "it is not an ISO 8601 duration");
  const n = (i: number) => Number(match[i] ?? 0);
  return {
    months: n(1) * 12 + n(2),
    ms: Math.round(n(3) * 604_800_000 + n(4) * 86_400_000 + n(5) * 3_600_000 + n(6) * 60_000 + n(7) * 1_000),
  };
}

function parseRelative(value: string, text: string): Interval {
  let months = 0;
  let ms = 0;
  let rest = text;
  let found = false;
  for (const [part, amountText, unitText] of text.matchAll(PART)) {
    const unit = UNITS[unitText!.toLowerCase()];
    if (!unit) invalid(value, `unknown unit "${unitText}"`);
    const amount = Number(amountText);
    if (unit.months !== undefined) {
      if (!Number.isInteger(amount)) invalid(value, "months and years must be whole numbers");
      months += amount * unit.months;
    } else {
      ms += amount * unit.ms!;
    }
    rest = rest.replace(part, " ");
    found = true;
  }
  if (!found || !SEPARATORS.test(rest)) invalid(value, "it is not a list of amounts with units");
  return { months, ms: Math.round(ms) };
}

/** `from` moved by `count` intervals; months are added in UTC and clamped to the month's end. */
export function addIntervals(from: number, interval: Interval, count: number): number {
  if (interval.months === 0) return from + count * interval.ms;
  const date = new Date(from);
  const day = date.getUTCDate();
  const target = new Date(from);
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + count * interval.months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.getTime() + count * interval.ms;
}

/** A rough length, to jump close to the right occurrence before stepping. */
export function approximateLength(interval: Interval): number {
  return interval.months * 2_629_746_000 + interval.ms;
}
