import type { Envelope } from "../envelope/envelope.js";

/**
 * One step of a bus. Call `stack.next().handle(envelope, stack)` to go on; return the envelope
 * (with any stamps added) to the caller. Middleware instances are shared between dispatches and
 * between buses, so keep per-dispatch state on the envelope or the stack, never on `this`.
 */
export interface Middleware {
  handle(envelope: Envelope, stack: Stack): Promise<Envelope>;
}

/** The rest of the pipeline for one dispatch. */
export interface Stack {
  /** The next middleware; past the end, a terminal one that returns the envelope unchanged. */
  next(): Middleware;
}
