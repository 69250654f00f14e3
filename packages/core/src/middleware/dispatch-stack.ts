import type { Envelope } from "../envelope/envelope.js";
import type { Middleware, Stack } from "./middleware.js";

/** Past the last middleware: hand the envelope back unchanged. */
export const END_OF_STACK: Middleware = { handle: (envelope: Envelope) => Promise.resolve(envelope) };

/**
 * The stack of one dispatch: a cursor over the bus's shared middleware list. A fresh one per
 * dispatch keeps nested and concurrent dispatches apart; a paused stack (dispatch after current
 * bus) resumes where it stopped.
 */
export class DispatchStack implements Stack {
  #index: number;

  /** `start`: the index of the first middleware to run (the bus skips a prefix that has nothing to do). */
  constructor(
    private readonly middleware: readonly Middleware[],
    start = 0,
  ) {
    this.#index = start;
  }

  next(): Middleware {
    return this.middleware[this.#index++] ?? END_OF_STACK;
  }
}
