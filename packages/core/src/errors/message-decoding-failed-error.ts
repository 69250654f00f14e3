import { MessengerError } from "./messenger-error.js";

/** A transport message could not be turned back into an envelope (bad JSON, unknown type, hostile keys). */
export class MessageDecodingFailedError extends MessengerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("MESSAGE_DECODING_FAILED", message, options);
  }
}
