import { MessengerError } from "./messenger-error.js";

/** A value given to the library is not one it accepts; the message names the value and what is allowed. */
export class InvalidArgumentError extends MessengerError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "INVALID_ARGUMENT", message, options);
  }
}
