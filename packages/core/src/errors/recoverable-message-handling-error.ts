import { MessengerError } from "./messenger-error.js";
import { RETRY_DELAY, RETRYABLE, type RetryMarked } from "./retry-marker.js";

/**
 * Throw from a handler to say "try again": the message is always retried, whatever the retry
 * strategy's `maxRetries`. `retryDelay` (ms) overrides the strategy's delay, e.g. from a Retry-After.
 * Any error with the {@link RETRYABLE} marker set to `true` does the same without this class.
 */
export class RecoverableMessageHandlingError extends MessengerError implements RetryMarked {
  readonly [RETRYABLE] = true;
  readonly retryDelay: number | null;

  constructor(message: string, options?: { cause?: unknown; retryDelay?: number | null }) {
    super("RECOVERABLE_MESSAGE_HANDLING", message, options);
    this.retryDelay = options?.retryDelay ?? null;
  }

  get [RETRY_DELAY](): number | null {
    return this.retryDelay;
  }
}
