import type { WorkerEventSource } from "./worker-event.js";

/** Once, after the worker finished the messages in hand and flushed its batch handlers. */
export class WorkerStoppedEvent {
  constructor(readonly worker: WorkerEventSource) {}
}
