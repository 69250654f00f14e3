/**
 * OpenTelemetry instrumentation for messenger-ts: traces and metrics through the OpenTelemetry
 * API (the application brings the SDK), and a Prometheus endpoint for those who want no SDK.
 */

// Metrics
export * from "./metrics/index.js";
// Tracing: spans for dispatch, send, process and handle; the trace context travels as a stamp.
export {
  type MessengerTracingOptions,
  messengerTracing,
  spanContextOf,
  TRACER_NAME,
  traceContextStampOf,
} from "./tracing/index.js";
