import { MessengerError } from "./messenger-error.js";
import type { MessengerErrorCode } from "./messenger-error-code.js";

/** A backend (database, broker) failed; `cause` keeps the driver's error. */
export class TransportError extends MessengerError {
  constructor(message: string, options?: { cause?: unknown; code?: MessengerErrorCode }) {
    super(options?.code ?? "TRANSPORT_ERROR", message, options);
  }
}
