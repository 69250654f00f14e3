import { MessengerError } from "./messenger-error.js";

/**
 * The worker was asked to stop, and what it held (handlers in flight, acknowledgements on their
 * way) did not finish within its grace period: it aborted. The abandoned messages were logged one
 * by one and are delivered again after their transport's redelivery timeout. `run()` rejects with
 * it so that `messenger:consume` exits with a failure and the supervisor notices the hang.
 */
export class WorkerStopTimeoutError extends MessengerError {
  constructor(
    /** Milliseconds the worker waited after stop() before it aborted. */
    readonly gracePeriod: number,
    /** How many messages it abandoned (in handlers or waiting for a batch handler). */
    readonly abandoned: number,
  ) {
    super(
      "WORKER_STOP_TIMEOUT",
      `The worker did not finish the messages in hand within its grace period of ${gracePeriod} ms; it aborted and abandoned ${abandoned} message(s), which will be delivered again after the transport's redelivery timeout.`,
    );
  }
}
