export { Acknowledger } from "./acknowledger.js";
export { AbstractBatchHandler, type BatchHandler, type BatchJob, isBatchHandler } from "./batch-handler.js";
