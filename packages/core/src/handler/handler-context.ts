/**
 * What a handler gets after the message and any extra arguments (`HandlerArgumentsStamp`):
 * always its last argument, so `handle(message, { signal })` for the usual handler. A batch
 * handler gets none: its second parameter is the optional acknowledger, and its `handle()` only
 * collects (the work, in `flush()`, is not timed).
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
