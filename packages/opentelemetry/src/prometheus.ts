/**
 * `@messenger-ts/opentelemetry/prometheus`: the messenger metrics on a Prometheus `/metrics`
 * handler, for applications without an OpenTelemetry SDK. Needs the optional peers
 * `@opentelemetry/sdk-metrics` and `@opentelemetry/exporter-prometheus`.
 */
export {
  createPrometheusEndpoint,
  type PrometheusEndpoint,
  type PrometheusEndpointOptions,
} from "./metrics/prometheus-endpoint.js";
