/** The rate limiter of a transport made the worker wait before handling a message. */
export class WorkerRateLimitedEvent {
  constructor(
    readonly transportName: string,
    /** How long the worker waits, in milliseconds. */
    readonly waitMs: number,
  ) {}
}
