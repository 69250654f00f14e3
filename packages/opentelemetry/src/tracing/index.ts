export { type MessengerTracingOptions, messengerTracing, TRACER_NAME } from "./messenger-tracing.js";
export { spanContextOf, traceContextStampOf } from "./trace-context.js";
