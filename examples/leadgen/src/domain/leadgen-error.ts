/**
 * Base of the application's own errors. `code` is stable (match on it, not on the text), and
 * `retryable` says whether trying again later can help: the handlers turn a non-retryable error
 * into an `UnrecoverableMessageHandlingError`, so its message goes straight to `failed`.
 */
export abstract class LeadgenError extends Error {
  abstract readonly retryable: boolean;

  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
