import { LeadgenError } from "./leadgen-error.js";

/**
 * Something outside was not available this time (the company register, the mail provider, the AI
 * model): the message is retried with its transport's retry strategy, then sent to `failed`.
 * It carries no retry marker on purpose: a recoverable error would be retried past `maxRetries`.
 */
export class TransientFailureError extends LeadgenError {
  readonly retryable = true;
}
