export {
  createSingleMessageWorker,
  type SingleMessageWorkerOptions,
} from "./create-single-message-worker.js";
export { type ConsumeOptions, createWorker } from "./create-worker.js";
export * from "./events/index.js";
export { KeepaliveTimer } from "./keepalive-timer.js";
export {
  InMemoryRestartSignalStore,
  isRestartSignalStore,
  type RestartSignalStore,
} from "./restart-signal-store.js";
export { type StopOnSignalsOptions, type StoppableWorker, stopOnSignals } from "./stop-on-signals.js";
export { stopWorkers } from "./stop-workers.js";
export { type InHandMessage, Worker } from "./worker.js";
export type { WorkerMetadata } from "./worker-metadata.js";
export type { WorkerOptions } from "./worker-options.js";
