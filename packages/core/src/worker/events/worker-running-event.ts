import type { WorkerEventSource } from "./worker-event.js";

/** After each handled message (`isWorkerIdle` false) and after each empty round (true). */
export class WorkerRunningEvent {
  constructor(
    readonly worker: WorkerEventSource,
    readonly isWorkerIdle: boolean,
  ) {}
}
