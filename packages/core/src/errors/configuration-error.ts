import { hasWrappedErrors, unwrapErrors } from "./wrapped-errors.js";

/**
 * Marks an error that no retry can fix because the application is set up wrongly (a handler the
 * container cannot build). A worker that meets one stops and fails instead of sending message
 * after message to the failure transport. A `Symbol.for` key, like the retry marker, so the mark
 * is read across copies of core.
 */
export const CONFIGURATION_ERROR: unique symbol = Symbol.for("messenger-ts.configuration-error");

/** The configuration error `error` is or wraps (through handler-failed aggregates), if any. */
export function findConfigurationError(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  if (isMarked(error)) return error;
  return hasWrappedErrors(error) ? unwrapErrors(error).find(isMarked) : undefined;
}

function isMarked(error: Error): boolean {
  return (error as { [CONFIGURATION_ERROR]?: unknown })[CONFIGURATION_ERROR] === true;
}
