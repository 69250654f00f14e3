import { InvalidArgumentError } from "@messenger-ts/core";
import { type DateInput, toTime } from "../support/to-time.js";
import { addIntervals, approximateLength, type Interval, parseInterval } from "./interval.js";
import type { StatefulTrigger } from "./trigger.js";

/** 3000-01-01T00:00:00Z, Symfony's "forever". */
const FOREVER = Date.UTC(3000, 0, 1);

/**
 * Runs every `interval`, anchored at `from`: the runs are `from + k × interval`.
 *
 * - `interval`: milliseconds (a number > 0 or a string of digits), a relative string (`"10 minutes"`,
 *   `"1 week"`, `"1 hour 30 minutes"`) or an ISO 8601 duration (`"PT1H"`). Months and years follow
 *   the calendar (in UTC, clamped to the end of shorter months); every other unit is fixed.
 * - Without `from`, the anchor is the schedule's first start, which the generator passes through
 *   `continue()` (kept in the checkpoint for a stateful schedule). So the first run comes one
 *   interval after the worker starts, not at once, as in Symfony.
 * - `until` (excluded) ends the trigger. @defaultValue 3000-01-01
 */
export class PeriodicalTrigger implements StatefulTrigger {
  readonly interval: Interval;
  readonly #text: string | undefined;
  readonly #explicitFrom: number | undefined;
  readonly #until: number;
  #from: number | undefined;

  constructor(interval: number | string, from?: DateInput, until: DateInput = FOREVER) {
    this.interval = parseInterval(interval);
    this.#text = typeof interval === "string" && !/^\d+$/.test(interval.trim()) ? interval.trim() : undefined;
    this.#explicitFrom = from === undefined ? undefined : toTime(from, "from date");
    this.#from = this.#explicitFrom;
    this.#until = toTime(until, "until date");
    if (this.#from !== undefined && this.#from >= this.#until) {
      throw new InvalidArgumentError(
        `The "from" date (${new Date(this.#from).toISOString()}) must be before the "until" date (${new Date(this.#until).toISOString()}).`,
        { code: "INVALID_TRIGGER" },
      );
    }
  }

  /** The anchor, when known. */
  get from(): Date | undefined {
    return this.#from === undefined ? undefined : new Date(this.#from);
  }

  get until(): Date {
    return new Date(this.#until);
  }

  /** Anchors the runs at the schedule's start, unless an explicit `from` was given. */
  continue(startedAt: Date): void {
    if (this.#explicitFrom === undefined) this.#from = startedAt.getTime();
  }

  getNextRunDate(after: Date): Date | null {
    const run = after.getTime();
    // Symfony: the first run seen anchors a trigger nobody anchored.
    this.#from ??= run;
    const from = this.#from;
    if (run >= this.#until) return null;
    let next: number;
    if (from > run) {
      next = from;
    } else if (this.interval.months === 0) {
      next = from + (Math.floor((run - from) / this.interval.ms) + 1) * this.interval.ms;
    } else {
      let count = Math.max(0, Math.floor((run - from) / approximateLength(this.interval)));
      while (count > 0 && addIntervals(from, this.interval, count) > run) count--;
      while (addIntervals(from, this.interval, count) <= run) count++;
      next = addIntervals(from, this.interval, count);
    }
    return next < this.#until ? new Date(next) : null;
  }

  get description(): string {
    if (this.#text !== undefined) return `every ${this.#text}`;
    const { ms } = this.interval;
    if (ms % 1000 === 0) return ms === 1000 ? "every 1 second" : `every ${ms / 1000} seconds`;
    return `every ${ms} milliseconds`;
  }

  toString(): string {
    return this.description;
  }
}
