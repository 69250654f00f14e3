import { MessengerError } from "./messenger-error.js";

/** A message has no sender on a bus configured with `allowNoSenders: false`. */
export class NoSenderForMessageError extends MessengerError {
  constructor(message: string) {
    super("NO_SENDER_FOR_MESSAGE", message);
  }
}
