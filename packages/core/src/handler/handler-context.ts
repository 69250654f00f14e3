/**
 * What a handler gets after the message (and after the acknowledger and any extra arguments):
 * always its last argument, so `handle(message, { signal })` for the usual handler.
 */
export interface HandlerContext {
  /**
   * Aborted when the handler overran its timeout (the reason is a `HandlerTimeoutError`) or when
   * the worker running it stops hard (its grace period ended, or a second signal). Pass it to
   * `fetch`, database drivers and timers so the work really stops: the library cannot interrupt
   * a handler, it can only stop waiting for it.
   */
  readonly signal: AbortSignal;
}

/** The context of a handler that nothing can cancel: its signal is never aborted. */
export const UNCANCELLABLE: HandlerContext = Object.freeze({ signal: new AbortController().signal });
