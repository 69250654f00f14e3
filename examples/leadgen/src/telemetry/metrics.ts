import type { Logger } from "@messenger-ts/core";
import { createPrometheusEndpoint, type PrometheusEndpoint } from "@messenger-ts/opentelemetry/prometheus";

/**
 * The application's messenger metrics, in Prometheus form: every process of the application
 * (`app:serve`, each worker) records its own, and serves them at `/metrics` (`app:serve` on its
 * port; a worker with `--metrics-port`). What they are: docs/observability.md, "Metrics".
 */
export function createLeadgenMetrics(logger: Logger, countCacheTtl?: number): PrometheusEndpoint {
  return createPrometheusEndpoint({ logger, ...(countCacheTtl === undefined ? {} : { countCacheTtl }) });
}
