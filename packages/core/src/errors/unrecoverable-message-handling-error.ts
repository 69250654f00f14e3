import { MessengerError } from "./messenger-error.js";

/** Throw from a handler to say "retrying cannot help": the message goes straight to the failure transport. */
export class UnrecoverableMessageHandlingError extends MessengerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNRECOVERABLE_MESSAGE_HANDLING", message, options);
  }
}
