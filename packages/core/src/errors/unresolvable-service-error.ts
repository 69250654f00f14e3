import { CONFIGURATION_ERROR } from "./configuration-error.js";
import { MessengerError } from "./messenger-error.js";
import { RETRYABLE, type RetryMarked } from "./retry-marker.js";

/**
 * The container cannot build a handler class (or a middleware or service class): the message
 * names the class, the likely cause and the fix. It is a configuration error: never retried, and a
 * worker that meets it stops with a failure instead of moving message after message to the failure
 * transport.
 */
export class UnresolvableServiceError extends MessengerError implements RetryMarked {
  readonly [RETRYABLE] = false;
  readonly [CONFIGURATION_ERROR] = true;

  constructor(
    /** The class that was asked for (a handler, a middleware). */
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("UNRESOLVABLE_SERVICE", message, options);
  }
}
