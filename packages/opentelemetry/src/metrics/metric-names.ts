/** The instruments' names; docs/observability.md lists each with its type, unit and attributes. */
export const METRIC = {
  dispatched: "messenger.messages.dispatched",
  sent: "messenger.messages.sent",
  received: "messenger.messages.received",
  handled: "messenger.messages.handled",
  failed: "messenger.messages.failed",
  retried: "messenger.messages.retried",
  sentToFailureTransport: "messenger.messages.sent_to_failure_transport",
  handlingDuration: "messenger.message.handling.duration",
  sendToHandleDuration: "messenger.message.send_to_handle.duration",
  queueDepth: "messenger.transport.messages",
  failureTransportSize: "messenger.failure_transport.messages",
  rateLimiterWaits: "messenger.worker.rate_limiter.waits",
  rateLimiterWaitDuration: "messenger.worker.rate_limiter.wait.duration",
  runningWorkers: "messenger.workers.running",
} as const;

/**
 * The attributes (Prometheus labels). Their values are names from the code and the configuration
 * (message type names, transport and bus names), never ids, so their number stays bounded.
 */
export const ATTRIBUTE = {
  messageType: "messenger.message.type",
  transport: "messenger.transport",
  bus: "messenger.bus",
  failureTransport: "messenger.failure_transport",
  outcome: "messenger.outcome",
} as const;
