import { MessengerError } from "./messenger-error.js";
import type { MessengerErrorCode } from "./messenger-error-code.js";

/** A value given to the library is not one it accepts; the message names the value and what is allowed. */
export class InvalidArgumentError extends MessengerError {
  constructor(message: string, options?: { cause?: unknown; code?: MessengerErrorCode }) {
    super(options?.code ?? "INVALID_ARGUMENT", message, options);
  }
}
