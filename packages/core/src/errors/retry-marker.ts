/**
 * The retry marker: how any error, of any class, tells the retry listener what to do with its
 * message. It plays the part of Symfony's marker interfaces (`RecoverableExceptionInterface`,
 * `UnrecoverableExceptionInterface`), so an application's own errors need not extend our classes
 * nor be wrapped by the handler. `Symbol.for` keys make the marker readable across copies of
 * core (and settable without importing core at all):
 *
 * - `[RETRYABLE]: true`: recoverable, always retried, even past the strategy's `maxRetries`;
 *   `[RETRY_DELAY]` (ms), if given, replaces the strategy's delay (e.g. from a Retry-After);
 * - `[RETRYABLE]: false`: unrecoverable, never retried: straight to the failure transport;
 * - no marker (or any other value): the transport's retry strategy decides.
 *
 * A well-known symbol rather than a `retryable` property, because drivers and SDKs already put
 * properties of that name on their errors with meanings of their own; a recoverable error is
 * retried forever, so only an error that opted in deliberately may be one.
 */
export const RETRYABLE: unique symbol = Symbol.for("messenger-ts.retryable");

/** Milliseconds to wait before the retry of a recoverable error; see {@link RETRYABLE}. */
export const RETRY_DELAY: unique symbol = Symbol.for("messenger-ts.retry-delay");

/** An error that carries the retry marker; declare the keys as class fields or set them on any error. */
export interface RetryMarked {
  readonly [RETRYABLE]: boolean;
  readonly [RETRY_DELAY]?: number | null;
}

/** What an error's marker asks for: `true` recoverable, `false` unrecoverable, `undefined` no marker. */
export function retryableOf(error: unknown): boolean | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as Partial<RetryMarked>)[RETRYABLE];
  return typeof value === "boolean" ? value : undefined;
}

/** The delay a recoverable error asked for; `undefined` when it gave none or not a number >= 0. */
export function retryDelayOf(error: unknown): number | undefined {
  if (retryableOf(error) !== true) return undefined;
  const value = (error as Partial<RetryMarked>)[RETRY_DELAY];
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
