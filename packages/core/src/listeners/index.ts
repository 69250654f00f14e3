export {
  AddErrorDetailsStampListener,
  type AddErrorDetailsStampListenerOptions,
} from "./add-error-details-stamp-listener.js";
export { parseMemoryLimit } from "./parse-memory-limit.js";
export { ResetServicesListener, type ResetServicesListenerOptions } from "./reset-services-listener.js";
export {
  SendFailedMessageForRetryListener,
  type SendFailedMessageForRetryListenerOptions,
} from "./send-failed-message-for-retry-listener.js";
export {
  type FailureSender,
  SendFailedMessageToFailureTransportListener,
  type SendFailedMessageToFailureTransportListenerOptions,
} from "./send-failed-message-to-failure-transport-listener.js";
export {
  DEFAULT_STAMP_HISTORY_SIZE,
  limitStampHistory,
  withLimitedHistory,
} from "./stamp-history.js";
export { StopWorkerOnCustomStopExceptionListener } from "./stop-worker-on-custom-stop-exception-listener.js";
export { StopWorkerOnFailureLimitListener } from "./stop-worker-on-failure-limit-listener.js";
export {
  StopWorkerOnMemoryLimitListener,
  type StopWorkerOnMemoryLimitListenerOptions,
} from "./stop-worker-on-memory-limit-listener.js";
export { StopWorkerOnMessageLimitListener } from "./stop-worker-on-message-limit-listener.js";
export {
  StopWorkerOnRestartSignalListener,
  type StopWorkerOnRestartSignalListenerOptions,
} from "./stop-worker-on-restart-signal-listener.js";
export {
  StopWorkerOnTimeLimitListener,
  type StopWorkerOnTimeLimitListenerOptions,
} from "./stop-worker-on-time-limit-listener.js";
export { registerListeners, type WorkerListener } from "./worker-listener.js";
