import { MessengerError } from "./messenger-error.js";
import { RETRYABLE, type RetryMarked } from "./retry-marker.js";

/**
 * Throw from a handler to say "retrying cannot help": the message goes straight to the failure
 * transport. Any error with the {@link RETRYABLE} marker set to `false` does the same without this class.
 */
export class UnrecoverableMessageHandlingError extends MessengerError implements RetryMarked {
  readonly [RETRYABLE] = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super("UNRECOVERABLE_MESSAGE_HANDLING", message, options);
  }
}
