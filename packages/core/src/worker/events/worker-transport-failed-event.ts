/** What the worker asked a transport for when it failed. */
export type TransportOperation = "receive" | "acknowledge";

/**
 * A transport failed the worker: at the first failure of an outage, then as a reminder at most
 * once per report interval while it lasts (never once per failed attempt), so that a console can
 * print every one of these events without flooding its output.
 */
export class WorkerTransportFailedEvent {
  constructor(
    readonly transportName: string,
    /** `receive` for get(); `acknowledge` for ack() and reject(). */
    readonly operation: TransportOperation,
    /** The last failure. Its message may be printed: transports keep passwords out of it. */
    readonly error: Error,
    /** Milliseconds since the outage's first failure (0 at the first one). */
    readonly downFor: number,
    /** Failed attempts since the outage began, this one included. */
    readonly failures: number,
  ) {}

  /** The first failure of the outage; later events are reminders. */
  get isFirstFailure(): boolean {
    return this.failures === 1;
  }
}
