/**
 * Base of the application's own errors. `code` is stable (match on it, not on the text), and
 * `retryable` says whether trying again later can help. A non-retryable error also carries
 * messenger's retry marker (see `PermanentFailureError`), so a handler lets it through as it is
 * and its message goes straight to `failed`.
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
