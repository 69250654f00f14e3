import { MessengerError } from "./messenger-error.js";
import type { MessengerErrorCode } from "./messenger-error-code.js";

/** The library was used in a way its contract forbids (a programming error in the caller). */
export class LogicError extends MessengerError {
  constructor(message: string, options?: { cause?: unknown; code?: MessengerErrorCode }) {
    super(options?.code ?? "LOGIC_ERROR", message, options);
  }
}
