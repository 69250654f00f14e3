import { CONFIGURATION_ERROR } from "./configuration-error.js";
import { TransportError } from "./transport-error.js";

/**
 * The backend refused the transport's credentials (a wrong password, an unknown user). No wait
 * fixes that: a worker that meets it stops at once with a failure, so that its supervisor alerts,
 * instead of idling as if the queue were empty. The message never holds the password.
 */
export class TransportAuthenticationError extends TransportError {
  readonly [CONFIGURATION_ERROR] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: "TRANSPORT_AUTHENTICATION_FAILED" });
  }
}
