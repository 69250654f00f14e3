import { MessengerError } from "./messenger-error.js";

/**
 * A transport kept failing (receiving, or acknowledging and rejecting) without a single success
 * for longer than the worker's outage limit: the worker stopped, and `run()` rejects with this
 * error so that `messenger:consume` exits with a failure and a supervisor restarts it and alerts,
 * instead of a worker that looks alive and does nothing. `cause` is the last failure.
 */
export class TransportOutageLimitError extends MessengerError {
  constructor(
    readonly transportName: string,
    /** Milliseconds since the first failure of the outage. */
    readonly downFor: number,
    /** The worker's outage limit, in milliseconds. */
    readonly outageLimit: number,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(
      "TRANSPORT_OUTAGE_LIMIT",
      `Transport "${transportName}" has been failing for ${Math.round(downFor / 1000)} s, longer than the outage limit of ${Math.round(outageLimit / 1000)} s; the worker stopped${reason}`,
      options,
    );
  }
}
