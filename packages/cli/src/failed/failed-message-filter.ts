import { UsageError } from "../console/usage-error.js";
import type { FailedMessage } from "./failed-message.js";
import { formatDateTime } from "./format-date-time.js";

export interface FailedMessageFilterOptions {
  /** A message class name or type name (`Job` or `app.job`), compared exactly. */
  readonly classFilter?: string | undefined;
  /** Failed at or after this instant. */
  readonly failedAfter?: Date | undefined;
  /** Failed at or before this instant. */
  readonly failedBefore?: Date | undefined;
}

/**
 * `--class-filter`, `--failed-after` and `--failed-before`: which failed messages a command works
 * on. Both time bounds are inclusive (as in Symfony 8.2); a message with no known failure time
 * (no redelivery stamp) never matches while a time bound is set.
 */
export class FailedMessageFilter {
  readonly classFilter: string | undefined;
  readonly failedAfter: Date | undefined;
  readonly failedBefore: Date | undefined;

  constructor(options: FailedMessageFilterOptions = {}) {
    const { classFilter, failedAfter, failedBefore } = options;
    if (classFilter !== undefined && classFilter.trim() === "") {
      throw new UsageError("--class-filter must not be empty; pass a message class or type name.", {
        code: "INVALID_FILTER",
      });
    }
    if (failedAfter && failedBefore && failedAfter.getTime() > failedBefore.getTime()) {
      throw new UsageError(
        `--failed-after (${formatDateTime(failedAfter)}) is later than --failed-before (${formatDateTime(failedBefore)}); no message could match.`,
        { code: "INVALID_FILTER" },
      );
    }
    this.classFilter = classFilter;
    this.failedAfter = failedAfter;
    this.failedBefore = failedBefore;
  }

  /** Whether any filter option was given. */
  get isActive(): boolean {
    return (
      this.classFilter !== undefined || this.failedAfter !== undefined || this.failedBefore !== undefined
    );
  }

  matches(message: FailedMessage): boolean {
    if (
      this.classFilter !== undefined &&
      message.className !== this.classFilter &&
      message.typeName !== this.classFilter
    ) {
      return false;
    }
    if (this.failedAfter === undefined && this.failedBefore === undefined) return true;
    const at = message.failedAt?.getTime();
    if (at === undefined) return false;
    if (this.failedAfter !== undefined && at < this.failedAfter.getTime()) return false;
    if (this.failedBefore !== undefined && at > this.failedBefore.getTime()) return false;
    return true;
  }

  /** The filter in words, for the footer of a listing: `class "Job", failed after 2026-01-31 12:00:00`. */
  describe(): string {
    const parts: string[] = [];
    if (this.classFilter !== undefined) parts.push(`class "${this.classFilter}"`);
    if (this.failedAfter !== undefined) parts.push(`failed at or after ${formatDateTime(this.failedAfter)}`);
    if (this.failedBefore !== undefined)
      parts.push(`failed at or before ${formatDateTime(this.failedBefore)}`);
    return parts.join(", ");
  }

  /** The filter in JSON output; null for an option not given. */
  toJSON(): { classFilter: string | null; failedAfter: string | null; failedBefore: string | null } {
    return {
      classFilter: this.classFilter ?? null,
      failedAfter: this.failedAfter?.toISOString() ?? null,
      failedBefore: this.failedBefore?.toISOString() ?? null,
    };
  }
}
