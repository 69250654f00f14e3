// The application's API: what an application that dispatches, handles and consumes messages uses.
// The transport author's kit is `@messenger-ts/core/transport`; the engine's parts (built-in
// middleware, the worker's listeners, the serializer's registries) have entry points of their own.
// Each name here is a promise kept across minor versions: add one only when an application needs it
// (tests/api/ records every entry point's list, so a change shows in review).

// Must run before any decorated class is evaluated: the container (tsyringe, Nest) reads
// design-time metadata through it.
import "reflect-metadata";

export { Acknowledger } from "./batch/acknowledger.js";
export { AbstractBatchHandler, type BatchHandler, type BatchJob } from "./batch/batch-handler.js";
export { MessageBus } from "./bus/message-bus.js";
export { type Clock, systemClock } from "./clock/clock.js";
export { createMessenger, DEFAULT_BUS_NAME } from "./config/create-messenger.js";
export { Messenger, type MessengerParts, type ResolvedTransport } from "./config/messenger.js";
export type {
  BusConfig,
  DefaultMiddlewareConfig,
  HandlerSource,
  MessengerConfig,
  MiddlewareConfig,
  TransportConfig,
} from "./config/messenger-config.js";
export { TsyringeServiceContainer } from "./config/tsyringe-service-container.js";
export { busToken, InjectBus } from "./di/bus-token.js";
export { RESETTABLE, type Resettable } from "./di/resettable-services.js";
export { isServiceContainer, type ServiceClass, type ServiceContainer } from "./di/service-container.js";
export { assertDispatchable, Envelope } from "./envelope/envelope.js";
export {
  NonSendableStamp,
  type SendableStampClass,
  Stamp,
  type StampClass,
  type StampType,
} from "./envelope/stamp.js";
export { DelayedMessageHandlingError } from "./envelope-errors/delayed-message-handling-error.js";
export { type EnvelopeAwareError, isEnvelopeAwareError } from "./envelope-errors/envelope-aware-error.js";
export { HandlerFailedError } from "./envelope-errors/handler-failed-error.js";
export { ValidationFailedError, type ValidationIssue } from "./envelope-errors/validation-failed-error.js";
export { DeliveryLimitExceededError } from "./errors/delivery-limit-exceeded-error.js";
export { type ErrorCode, ErrorCodes } from "./errors/error-codes.js";
export { HandlerTimeoutError } from "./errors/handler-timeout-error.js";
export { InvalidArgumentError } from "./errors/invalid-argument-error.js";
export { LogicError } from "./errors/logic-error.js";
export { MessageDecodingFailedError } from "./errors/message-decoding-failed-error.js";
export { MessengerError } from "./errors/messenger-error.js";
export type { MessengerErrorCode } from "./errors/messenger-error-code.js";
export { NoHandlerForMessageError } from "./errors/no-handler-for-message-error.js";
export { NoSenderForMessageError } from "./errors/no-sender-for-message-error.js";
export { RecoverableMessageHandlingError } from "./errors/recoverable-message-handling-error.js";
export { RejectRedeliveredMessageError } from "./errors/reject-redelivered-message-error.js";
export {
  RETRY_DELAY,
  RETRYABLE,
  type RetryMarked,
  retryableOf,
  retryDelayOf,
} from "./errors/retry-marker.js";
export { StopWorkerError } from "./errors/stop-worker-error.js";
export { TransportAuthenticationError } from "./errors/transport-authentication-error.js";
export { TransportError } from "./errors/transport-error.js";
export { TransportOutageLimitError } from "./errors/transport-outage-limit-error.js";
export { UnknownBusError } from "./errors/unknown-bus-error.js";
export { UnrecoverableMessageHandlingError } from "./errors/unrecoverable-message-handling-error.js";
export { UnresolvableServiceError } from "./errors/unresolvable-service-error.js";
export { WorkerStopTimeoutError } from "./errors/worker-stop-timeout-error.js";
export { hasWrappedErrors, unwrapErrors, type WrappedErrors } from "./errors/wrapped-errors.js";
export {
  type EventClass,
  EventDispatcher,
  type EventListener,
  StoppableEvent,
} from "./events/event-dispatcher.js";
export { MessageDeduplicatedEvent } from "./events/message-deduplicated-event.js";
export { SendMessageToTransportsEvent } from "./events/send-message-to-transports-event.js";
export { AsMessageHandler, type AsMessageHandlerOptions } from "./handler/as-message-handler.js";
export { defineHandler } from "./handler/define-handler.js";
export type { HandlerContext } from "./handler/handler-context.js";
export type { HandlerOptions } from "./handler/handler-descriptor.js";
export {
  type ClassHandlerRegistration,
  type FunctionHandlerRegistration,
  getHandlerRegistrations,
  type HandlerRegistration,
} from "./handler/handler-registration.js";
export { type Logger, nullLogger } from "./logger/logger.js";
export { AsMessage, type AsMessageOptions } from "./message/as-message.js";
export type { MessageClass } from "./message/message-class.js";
export { messageTypes } from "./message/message-type-registry.js";
export { Query, type ResultOf } from "./message/query.js";
export type { StandardSchemaV1 } from "./message/standard-schema.js";
export {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
  type DirectCall,
} from "./middleware/application-dispatch-shortcut.js";
export type { MessengerInstrumentation } from "./middleware/messenger-instrumentation.js";
export type { Middleware, Stack } from "./middleware/middleware.js";
export type { BrokerRedeliveryAware } from "./middleware/reject-redelivered-message-middleware.js";
export { ValidationMiddleware } from "./middleware/validation-middleware.js";
export {
  MultiplierRetryStrategy,
  type MultiplierRetryStrategyOptions,
} from "./retry/multiplier-retry-strategy.js";
export type { RetryStrategy } from "./retry/retry-strategy.js";
export type { RetryStrategyConfig } from "./retry/retry-strategy-config.js";
export type { RoutingConfig } from "./routing/routing-config.js";
export { JsonSerializer, type JsonSerializerOptions } from "./serialization/json-serializer.js";
export type { EncodedEnvelope, Serializer } from "./serialization/serializer.js";
export { UndecodableMessage } from "./serialization/undecodable-message.js";
export { AckStamp } from "./stamps/ack-stamp.js";
export { BusNameStamp } from "./stamps/bus-name-stamp.js";
export { ConsumedByWorkerStamp } from "./stamps/consumed-by-worker-stamp.js";
export {
  DEDUPLICATION_MODES,
  DeduplicateStamp,
  type DeduplicationMode,
} from "./stamps/deduplicate-stamp.js";
export { DeduplicatedStamp } from "./stamps/deduplicated-stamp.js";
export { DelayStamp, type Duration } from "./stamps/delay-stamp.js";
export { DeliveryLimitExceededStamp } from "./stamps/delivery-limit-exceeded-stamp.js";
export { ErrorDetailsStamp } from "./stamps/error-details-stamp.js";
export { FlushBatchHandlersStamp } from "./stamps/flush-batch-handlers-stamp.js";
export { HandledStamp } from "./stamps/handled-stamp.js";
export { HandlerArgumentsStamp } from "./stamps/handler-arguments-stamp.js";
export { HandlerCancellationStamp } from "./stamps/handler-cancellation-stamp.js";
export { MessageDecodingFailedStamp } from "./stamps/message-decoding-failed-stamp.js";
export { NoAutoAckStamp } from "./stamps/no-auto-ack-stamp.js";
export { PriorityStamp } from "./stamps/priority-stamp.js";
export { ReceivedStamp } from "./stamps/received-stamp.js";
export { RedeliveryStamp } from "./stamps/redelivery-stamp.js";
export { SentAtStamp } from "./stamps/sent-at-stamp.js";
export { SentStamp } from "./stamps/sent-stamp.js";
export { SentToFailureTransportStamp } from "./stamps/sent-to-failure-transport-stamp.js";
export { SerializedMessageStamp } from "./stamps/serialized-message-stamp.js";
export { TraceContextStamp } from "./stamps/trace-context-stamp.js";
export { TransportMessageIdStamp } from "./stamps/transport-message-id-stamp.js";
export { TransportNamesStamp } from "./stamps/transport-names-stamp.js";
export { type BulkSender, isBulkSender } from "./transport/capabilities/bulk-sender.js";
export {
  type CloseableTransport,
  isCloseableTransport,
} from "./transport/capabilities/closeable-transport.js";
export {
  type ConcurrencyAwareReceiver,
  isConcurrencyAwareReceiver,
} from "./transport/capabilities/concurrency-aware-receiver.js";
export {
  type DeduplicatingSender,
  isDeduplicatingSender,
} from "./transport/capabilities/deduplicating-sender.js";
export {
  type InspectOnlyTransport,
  isInspectOnlyTransport,
} from "./transport/capabilities/inspect-only-transport.js";
export { isKeepaliveReceiver, type KeepaliveReceiver } from "./transport/capabilities/keepalive-receiver.js";
export { isListableReceiver, type ListableReceiver } from "./transport/capabilities/listable-receiver.js";
export { isMessageCountAware, type MessageCountAware } from "./transport/capabilities/message-count-aware.js";
export { isMessageWaiter, type MessageWaiter } from "./transport/capabilities/message-waiter.js";
export {
  isPriorityAwareReceiver,
  type PriorityAwareReceiver,
} from "./transport/capabilities/priority-aware-receiver.js";
export { isQueueReceiver, type QueueReceiver } from "./transport/capabilities/queue-receiver.js";
export {
  isReleasableReceiver,
  type ReleasableReceiver,
} from "./transport/capabilities/releasable-receiver.js";
export {
  isSetupableTransport,
  type SetupableTransport,
} from "./transport/capabilities/setupable-transport.js";
export {
  isStoredMessageCountAware,
  type StoredMessageCountAware,
} from "./transport/capabilities/stored-message-count-aware.js";
export {
  compareThroughputBuckets,
  InMemoryThroughputStore,
  isThroughputStore,
  THROUGHPUT_BUCKET,
  THROUGHPUT_RETENTION,
  type ThroughputBucket,
  type ThroughputStore,
  throughputMinute,
} from "./transport/capabilities/throughput-store.js";
export { isWarningTransport, type WarningTransport } from "./transport/capabilities/warning-transport.js";
export {
  compareWorkerHeartbeats,
  InMemoryWorkerRegistry,
  isWorkerRegistry,
  type WorkerHeartbeat,
  type WorkerRegistry,
} from "./transport/capabilities/worker-registry.js";
export type { Receiver } from "./transport/receiver.js";
export type { Sender } from "./transport/sender.js";
export type { Transport } from "./transport/transport.js";
export type { TransportFactory, TransportFactoryContext } from "./transport/transport-factory.js";
export { AbstractWorkerMessageEvent } from "./worker/events/abstract-worker-message-event.js";
export type { WorkerEventSource } from "./worker/events/worker-event.js";
export { WorkerMessageAbandonedEvent } from "./worker/events/worker-message-abandoned-event.js";
export { WorkerMessageFailedEvent } from "./worker/events/worker-message-failed-event.js";
export { WorkerMessageHandledEvent } from "./worker/events/worker-message-handled-event.js";
export { WorkerMessageReceivedEvent } from "./worker/events/worker-message-received-event.js";
export { WorkerMessageRetriedEvent } from "./worker/events/worker-message-retried-event.js";
export { WorkerMessageSentToFailureTransportEvent } from "./worker/events/worker-message-sent-to-failure-transport-event.js";
export { WorkerMessageSkipEvent } from "./worker/events/worker-message-skip-event.js";
export { WorkerRateLimitedEvent } from "./worker/events/worker-rate-limited-event.js";
export { WorkerRunningEvent } from "./worker/events/worker-running-event.js";
export { WorkerStartedEvent } from "./worker/events/worker-started-event.js";
export { WorkerStoppedEvent } from "./worker/events/worker-stopped-event.js";
export {
  type TransportOperation,
  WorkerTransportFailedEvent,
} from "./worker/events/worker-transport-failed-event.js";
export { WorkerTransportPausedEvent } from "./worker/events/worker-transport-paused-event.js";
export { WorkerTransportRecoveredEvent } from "./worker/events/worker-transport-recovered-event.js";
export { WorkerTransportResumedEvent } from "./worker/events/worker-transport-resumed-event.js";
export { type StopOnSignalsOptions, type StoppableWorker, stopOnSignals } from "./worker/stop-on-signals.js";
export { type InHandMessage, Worker } from "./worker/worker.js";
export type { WorkerMetadata } from "./worker/worker-metadata.js";
export type { WorkerOptions } from "./worker/worker-options.js";
export { type ConsumeOptions, createWorker } from "./worker-wiring/create-worker.js";
export { isTransportPaused, pauseTransports, resumeTransports } from "./worker-wiring/pause-transports.js";
export { stopWorkers } from "./worker-wiring/stop-workers.js";
