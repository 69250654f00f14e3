import { MessengerError } from "./messenger-error.js";

/**
 * Throw from a handler to say "try again": the message is always retried, whatever the retry
 * strategy's `maxRetries`. `retryDelay` (ms) overrides the strategy's delay, e.g. from a Retry-After.
 */
export class RecoverableMessageHandlingError extends MessengerError {
  readonly retryDelay: number | null;

  constructor(message: string, options?: { cause?: unknown; retryDelay?: number | null }) {
    super("RECOVERABLE_MESSAGE_HANDLING", message, options);
    this.retryDelay = options?.retryDelay ?? null;
  }
}
