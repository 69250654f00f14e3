import { HandlerTimeoutError } from "../errors/handler-timeout-error.js";
import type { HandlerContext } from "../handler/handler-context.js";
import type { Logger } from "../logger/logger.js";
import { isThenable } from "./is-thenable.js";

/**
 * Calls a handler with a signal of its own that aborts when `timeout` passes or when the
 * `parent` context's signal aborts (the worker's hard stop). At the timeout the returned promise
 * rejects with a `HandlerTimeoutError` at once, whether or not the handler honours its signal, so
 * the worker's slot is free again; what the handler still returns or throws later is discarded
 * and logged as a warning (but the signal's own reason: a handler that honoured it), never left
 * unhandled. A handler that blocks the event loop cannot be
 * timed out: only one that awaits can.
 */
export function callWithTimeout(
  handlerName: string,
  timeout: number,
  parent: HandlerContext,
  logger: Logger,
  call: (context: HandlerContext) => unknown,
): Promise<unknown> {
  const controller = new AbortController();
  const parentSignal = parent.signal;
  const onParentAbort = () => controller.abort(parentSignal.reason);
  if (parentSignal.aborted) controller.abort(parentSignal.reason);
  else parentSignal.addEventListener("abort", onParentAbort, { once: true });
  const detach = () => parentSignal.removeEventListener("abort", onParentAbort);

  let result: unknown;
  try {
    result = call({ signal: controller.signal });
  } catch (error) {
    detach();
    return Promise.reject(error);
  }
  if (!isThenable(result)) {
    detach();
    return Promise.resolve(result);
  }
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      detach();
      const error = new HandlerTimeoutError(handlerName, timeout);
      controller.abort(error);
      reject(error);
    }, timeout);
    const settle = () => {
      clearTimeout(timer);
      detach();
    };
    (result as PromiseLike<unknown>).then(
      (value) => {
        if (!timedOut) {
          settle();
          resolve(value);
          return;
        }
        logger.warn(
          { handler: handlerName, timeout },
          "A handler finished after its timeout; its result is discarded",
        );
      },
      (error: unknown) => {
        if (!timedOut) {
          settle();
          reject(error);
          return;
        }
        // The handler honoured its signal and failed with its reason: that is the timeout itself.
        if (error === controller.signal.reason) return;
        logger.warn(
          { handler: handlerName, timeout, error },
          "A handler failed after its timeout; the error is discarded",
        );
      },
    );
  });
}
