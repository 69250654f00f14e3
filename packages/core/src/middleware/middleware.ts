import type { Envelope } from "../envelope/envelope.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "./application-dispatch-shortcut.js";

/**
 * One step of a bus. Call `stack.next().handle(envelope, stack)` to go on; return the envelope
 * (with any stamps added) to the caller. Middleware instances are shared between dispatches and
 * between buses, so keep per-dispatch state on the envelope or the stack, never on `this`.
 */
export interface Middleware {
  handle(envelope: Envelope, stack: Stack): Promise<Envelope>;
  /**
   * Optional promises that let the bus skip this middleware, or call past it, for messages the
   * application dispatches itself (see {@link ApplicationDispatchShortcut}). Without them, the bus
   * calls `handle()` on every dispatch.
   */
  readonly [applicationDispatchShortcut]?: ApplicationDispatchShortcut | undefined;
}

/** The rest of the pipeline for one dispatch. */
export interface Stack {
  /** The next middleware; past the end, a terminal one that returns the envelope unchanged. */
  next(): Middleware;
}
