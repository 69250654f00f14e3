// `@messenger-ts/core/worker`: the worker's engine parts: the listeners createWorker registers, the retry
// decision, the one-message worker of `messenger:failed:retry`, for a console or a framework
// integration that wires a worker itself.

export {
  AddErrorDetailsStampListener,
  type AddErrorDetailsStampListenerOptions,
} from "../listeners/add-error-details-stamp-listener.js";
export { parseMemoryLimit } from "../listeners/parse-memory-limit.js";
export {
  ResetServicesListener,
  type ResetServicesListenerOptions,
} from "../listeners/reset-services-listener.js";
export {
  SendFailedMessageForRetryListener,
  type SendFailedMessageForRetryListenerOptions,
} from "../listeners/send-failed-message-for-retry-listener.js";
export {
  type FailureSender,
  SendFailedMessageToFailureTransportListener,
  type SendFailedMessageToFailureTransportListenerOptions,
} from "../listeners/send-failed-message-to-failure-transport-listener.js";
export { StopWorkerOnCustomStopExceptionListener } from "../listeners/stop-worker-on-custom-stop-exception-listener.js";
export { StopWorkerOnFailureLimitListener } from "../listeners/stop-worker-on-failure-limit-listener.js";
export {
  StopWorkerOnMemoryLimitListener,
  type StopWorkerOnMemoryLimitListenerOptions,
} from "../listeners/stop-worker-on-memory-limit-listener.js";
export { StopWorkerOnMessageLimitListener } from "../listeners/stop-worker-on-message-limit-listener.js";
export {
  StopWorkerOnRestartSignalListener,
  type StopWorkerOnRestartSignalListenerOptions,
} from "../listeners/stop-worker-on-restart-signal-listener.js";
export {
  StopWorkerOnTimeLimitListener,
  type StopWorkerOnTimeLimitListenerOptions,
} from "../listeners/stop-worker-on-time-limit-listener.js";
export {
  DEFAULT_HEARTBEAT_INTERVAL,
  HEARTBEAT_TIMEOUT_BEATS,
  WorkerHeartbeatListener,
  type WorkerHeartbeatListenerOptions,
} from "../listeners/worker-heartbeat-listener.js";
export { registerListeners, type WorkerListener } from "../listeners/worker-listener.js";
export {
  createRetryStrategy,
  DEFAULT_RETRY_STRATEGY_CONFIG,
  isRetryStrategy,
} from "../retry/create-retry-strategy.js";
export { RetryStrategyLocator, type RetryStrategySource } from "../retry/retry-strategy-locator.js";
export { decideRetry, type RetryDecision, shouldRetry } from "../retry/should-retry.js";
export { SingleMessageReceiver } from "../transport/single-message-receiver.js";
export { KeepaliveTimer } from "../worker/keepalive-timer.js";
export {
  createSingleMessageWorker,
  type SingleMessageWorkerOptions,
} from "../worker-wiring/create-single-message-worker.js";
