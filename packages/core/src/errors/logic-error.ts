import { MessengerError } from "./messenger-error.js";

/** The library was used in a way its contract forbids (a programming error in the caller). */
export class LogicError extends MessengerError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "LOGIC_ERROR", message, options);
  }
}
