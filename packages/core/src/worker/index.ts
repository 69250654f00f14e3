export * from "./events/index.js";
export { KeepaliveTimer } from "./keepalive-timer.js";
export {
  InMemoryRestartSignalStore,
  isRestartSignalStore,
  type RestartSignalStore,
} from "./restart-signal-store.js";
export { type StopOnSignalsOptions, type StoppableWorker, stopOnSignals } from "./stop-on-signals.js";
export { type InHandMessage, Worker } from "./worker.js";
export type { WorkerMetadata } from "./worker-metadata.js";
export type { WorkerOptions } from "./worker-options.js";
