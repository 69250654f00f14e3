import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

/** A running trace export; `shutdown()` sends what is still buffered. */
export interface LeadgenTracing {
  readonly endpoint: string;
  shutdown(): Promise<void>;
}

/**
 * Turns the OTLP/HTTP trace export on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces-only
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, the standard OpenTelemetry variables: the Node SDK
 * registers itself as the global tracer provider (with its AsyncLocalStorage context manager), and
 * the messenger's `messengerTracing()` starts recording. Unset, nothing is loaded into the API and
 * the instrumentation stays idle. The service name is `OTEL_SERVICE_NAME`, else `leadgen`.
 */
export function startLeadgenTracing(
  env: Readonly<Record<string, string | undefined>> = process.env,
): LeadgenTracing | null {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return null;
  // The exporter reads the endpoint, headers and timeout from the same standard variables.
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME || "leadgen" }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  return { endpoint, shutdown: () => provider.shutdown() };
}
