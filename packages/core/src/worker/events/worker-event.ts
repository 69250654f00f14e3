import type { WorkerMetadata } from "../worker-metadata.js";

/** What every worker event can tell about the worker that emitted it. */
export interface WorkerEventSource {
  readonly metadata: WorkerMetadata;
  /** Asks the worker to stop after the messages in hand; stop-condition listeners call it. */
  stop(): void;
}
