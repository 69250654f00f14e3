import { MessengerError } from "./messenger-error.js";

/** Throw from a handler (directly or nested) to make the worker stop after the current message. */
export class StopWorkerError extends MessengerError {
  constructor(message = "Worker asked to stop.", options?: { cause?: unknown }) {
    super("STOP_WORKER", message, options);
  }
}
