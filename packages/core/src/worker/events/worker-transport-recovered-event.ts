import type { TransportOperation } from "./worker-transport-failed-event.js";

/** A transport that had failed the worker answered again: the end of an outage. */
export class WorkerTransportRecoveredEvent {
  constructor(
    readonly transportName: string,
    readonly operation: TransportOperation,
    /** Milliseconds from the outage's first failure to this success. */
    readonly downFor: number,
  ) {}
}
