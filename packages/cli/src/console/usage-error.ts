import { MessengerError, type MessengerErrorCode } from "@messenger-ts/core";

/**
 * A command was called wrongly (a bad option value, a missing or unknown argument): the console
 * prints the message and exits with code 2, as for a parsing error.
 */
export class UsageError extends MessengerError {
  constructor(message: string, options?: { code?: MessengerErrorCode; cause?: unknown }) {
    super(options?.code ?? "USAGE", message, options);
  }
}
