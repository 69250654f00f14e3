import type { WorkerEventSource } from "./worker-event.js";

/** Once, when the worker starts. */
export class WorkerStartedEvent {
  constructor(readonly worker: WorkerEventSource) {}
}
