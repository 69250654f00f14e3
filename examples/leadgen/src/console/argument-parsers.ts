import { InvalidArgumentError } from "commander";
import { ARES_OUTAGE_ICO, isValidIco } from "../domain/ico.js";
import { parseWebsite } from "../domain/website.js";

/**
 * Value parsers for the application's commands (the console's own cover counts, seconds and
 * choices). A bad value is a usage error (exit code 2) whose message names it and what is allowed.
 */

/** A record id: a whole number from 1 (for a repeatable or variadic argument, appended to `previous`). */
export function recordId(value: string, previous?: number[]): number[] {
  return [...(previous ?? []), parseId(value)];
}

/** One record id (an option such as `--user`). */
export function parseId(value: string): number {
  const id = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(id) || id <= 0) {
    throw new InvalidArgumentError(`"${value}" is not an id: expected a whole number from 1.`);
  }
  return id;
}

/** `--ico=25610341 --ico=04712391` or `--ico=25610341,04712391`, in any mix. */
export function icoList(value: string, previous?: string[]): string[] {
  const icos = value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (icos.length === 0) {
    throw new InvalidArgumentError(`"${value}" holds no IČO: give 8 digits, several separated by commas.`);
  }
  for (const ico of icos) {
    // The outage IČO is well formed on purpose (the documented failure input): the register fails, not the input.
    if (ico !== ARES_OUTAGE_ICO && !isValidIco(ico)) {
      throw new InvalidArgumentError(
        `"${ico}" is not a valid IČO: expected 8 digits whose last one is the check digit of the first seven (e.g. 25610341).`,
      );
    }
  }
  return [...(previous ?? []), ...icos];
}

/** An industry name as the data stores it: lowercase letters, digits and underscores (`car_services`). */
export function industryName(value: string): string {
  if (!/^[a-z][a-z0-9_]{0,49}$/.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not an industry name: use lowercase letters, digits and underscores (e.g. cafes, car_services).`,
    );
  }
  return value;
}

/** Free text that must say something (a search query). */
export function nonEmptyText(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError(`"${value}" is empty: give some text.`);
  return value.trim();
}

/** A whole number within bounds (`--limit` of a discovery: 1 to 100). */
export function integerBetween(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `"${value}" is not allowed: expected a whole number from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

/** What `app:screenshot:take` photographs: a lead (its website) or a page given by URL. */
export type ScreenshotTarget = { readonly leadId: number } | { readonly url: string };

/** A lead id (digits) or an http(s) URL with a host name, normalised (`https://a.cz` → `https://a.cz/`). */
export function screenshotTarget(value: string): ScreenshotTarget {
  if (/^\s*\d+\s*$/.test(value)) return { leadId: parseId(value) };
  try {
    return { url: parseWebsite(value.trim(), "URL").url };
  } catch {
    throw new InvalidArgumentError(
      `"${value}" is neither a lead id nor a URL: expected a whole number from 1, or an http:// or https:// URL with a host name.`,
    );
  }
}
