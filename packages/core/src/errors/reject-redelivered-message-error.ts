import { MessengerError } from "./messenger-error.js";

/** The broker redelivered a message whose consumer died before acknowledging it; it goes through retry instead. */
export class RejectRedeliveredMessageError extends MessengerError {
  constructor(message: string) {
    super("REJECT_REDELIVERED_MESSAGE", message);
  }
}
