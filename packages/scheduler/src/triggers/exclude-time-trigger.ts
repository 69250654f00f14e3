import { InvalidArgumentError } from "@messenger-ts/core";
import { type DateInput, toTime } from "../support/to-time.js";
import { AbstractDecoratedTrigger } from "./abstract-decorated-trigger.js";
import type { Trigger } from "./trigger.js";

/**
 * Skips the inner trigger's runs that fall inside `[from, until]` (both included): such a run is
 * replaced by the inner trigger's first run after `until`.
 */
export class ExcludeTimeTrigger extends AbstractDecoratedTrigger {
  readonly #from: number;
  readonly #until: number;

  constructor(trigger: Trigger, from: DateInput, until: DateInput) {
    super(trigger);
    this.#from = toTime(from, "excluded period start");
    this.#until = toTime(until, "excluded period end");
    if (this.#from > this.#until) {
      throw new InvalidArgumentError(
        `The excluded period must not end (${new Date(this.#until).toISOString()}) before it starts (${new Date(this.#from).toISOString()}).`,
        { code: "INVALID_TRIGGER" },
      );
    }
  }

  getNextRunDate(after: Date): Date | null {
    const next = this.trigger.getNextRunDate(after);
    if (next === null) return null;
    const time = next.getTime();
    if (time >= this.#from && time <= this.#until) return this.trigger.getNextRunDate(new Date(this.#until));
    return next;
  }

  get description(): string {
    return `${this.trigger.description}, except from ${new Date(this.#from).toISOString()} until ${new Date(this.#until).toISOString()}`;
  }
}
