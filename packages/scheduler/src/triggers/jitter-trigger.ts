import { InvalidArgumentError } from "@messenger-ts/core";
import { AbstractDecoratedTrigger } from "./abstract-decorated-trigger.js";
import type { Trigger } from "./trigger.js";

/**
 * Adds a random delay of 0 to `maxMs` milliseconds to every run of the inner trigger, so that
 * many installations of the same schedule do not all hit a shared service at the same instant.
 * Keep the jitter below the interval between runs, or runs are skipped.
 */
export class JitterTrigger extends AbstractDecoratedTrigger {
  readonly #maxMs: number;
  readonly #random: () => number;

  /**
   * @param maxMs the largest delay added, in milliseconds. @defaultValue 60000
   * @param random a source of numbers in [0, 1); tests pass a fixed one. @defaultValue Math.random
   */
  constructor(trigger: Trigger, maxMs = 60_000, random: () => number = Math.random) {
    super(trigger);
    if (!Number.isSafeInteger(maxMs) || maxMs < 0) {
      throw new InvalidArgumentError(
        `Jitter must be a whole number of milliseconds >= 0, got ${String(maxMs)}.`,
        {
          code: "INVALID_TRIGGER",
        },
      );
    }
    this.#maxMs = maxMs;
    this.#random = random;
  }

  get maxMs(): number {
    return this.#maxMs;
  }

  getNextRunDate(after: Date): Date | null {
    const next = this.trigger.getNextRunDate(after);
    if (next === null) return null;
    return new Date(next.getTime() + Math.floor(this.#random() * (this.#maxMs + 1)));
  }

  get description(): string {
    const range =
      this.#maxMs % 1000 === 0 ? `0-${this.#maxMs / 1000} second` : `0-${this.#maxMs} millisecond`;
    return `${this.trigger.description} with ${range} jitter`;
  }
}
