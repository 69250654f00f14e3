import { MessengerError } from "./messenger-error.js";

/** A message reached the handle step of a bus that does not allow messages without handlers. */
export class NoHandlerForMessageError extends MessengerError {
  constructor(message: string) {
    super("NO_HANDLER_FOR_MESSAGE", message);
  }
}
