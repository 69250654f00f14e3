import { FailedMessageFilter, UsageError } from "@messenger-ts/cli";

/** Messages a list page shows when `max` is not given, and the most it shows. */
export const DEFAULT_MAX = 50;
export const MAX_MAX = 500;

/** The list's query: `transport`, `class`, `failed_after`, `failed_before`, `max`, `after`. */
export interface FailedPageQuery {
  readonly transport: string | undefined;
  readonly filter: FailedMessageFilter;
  readonly max: number;
  /** The id of the last message of the previous page (`ListableReceiver.all(limit, after)`). */
  readonly after: string | undefined;
}

/**
 * Reads the filters of `messenger:failed:show` from a query (or a bulk action's form): a bad
 * value throws the console's `INVALID_FILTER` usage error, which the page shows.
 */
export function failedPageQuery(query: URLSearchParams): FailedPageQuery {
  const text = (key: string) => {
    const value = query.get(key)?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const maxText = text("max");
  const max = maxText === undefined ? DEFAULT_MAX : Number(maxText);
  return {
    transport: text("transport"),
    filter: new FailedMessageFilter({
      classFilter: text("class"),
      failedAfter: dateOf(text("failed_after"), "failed_after"),
      failedBefore: dateOf(text("failed_before"), "failed_before"),
    }),
    // A bad max falls back to the default, and a large one to the most a page shows.
    max: Number.isInteger(max) && max > 0 ? Math.min(max, MAX_MAX) : DEFAULT_MAX,
    after: text("after"),
  };
}

function dateOf(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(
      `${name} "${value}" is not a date; give an ISO 8601 date and time (2026-01-31T12:00).`,
      {
        code: "INVALID_FILTER",
      },
    );
  }
  return date;
}
