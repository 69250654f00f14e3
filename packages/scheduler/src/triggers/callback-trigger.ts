import { InvalidArgumentError } from "@messenger-ts/core";
import type { Trigger } from "./trigger.js";

/** Next run dates computed by a function: `(after) => Date | null`. */
export class CallbackTrigger implements Trigger {
  readonly description: string;

  /**
   * @param callback returns the first run strictly after its argument, or null when finished.
   * @param description what `debug:scheduler` shows; also part of the recurring message's id, so
   *   give one when two callback triggers schedule the same message. @defaultValue the function's name
   */
  constructor(
    private readonly callback: (after: Date) => Date | null,
    description?: string,
  ) {
    if (typeof callback !== "function") {
      throw new InvalidArgumentError(`CallbackTrigger needs a function, got ${typeof callback}.`, {
        code: "INVALID_TRIGGER",
      });
    }
    this.description = description ?? (callback.name ? `callback ${callback.name}` : "callback");
  }

  getNextRunDate(after: Date): Date | null {
    const next = this.callback(after);
    if (next === null || next === undefined) return null;
    if (!(next instanceof Date) || Number.isNaN(next.getTime())) {
      throw new InvalidArgumentError(
        `The callback of trigger "${this.description}" must return a valid Date or null, got ${String(next)}.`,
        { code: "INVALID_TRIGGER" },
      );
    }
    return next;
  }

  toString(): string {
    return this.description;
  }
}
