// Builds workers from a configured Messenger: the worker loop (`worker/`) and the listeners (`listeners/`)
// wired together as `messenger:consume`, `messenger:failed:retry` and `messenger:stop-workers` need them.
// It lives apart from `worker/` so that dependencies run one way: listeners import the worker's events,
// this folder imports both.
export {
  createSingleMessageWorker,
  type SingleMessageWorkerOptions,
} from "./create-single-message-worker.js";
export { type ConsumeOptions, createWorker } from "./create-worker.js";
export { stopWorkers } from "./stop-workers.js";
