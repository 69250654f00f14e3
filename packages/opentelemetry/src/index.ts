/**
 * OpenTelemetry instrumentation for messenger-ts: traces and metrics through the OpenTelemetry
 * API (the application brings the SDK), and a Prometheus endpoint for those who want no SDK.
 */

// Metrics
export * from "./metrics/index.js";
