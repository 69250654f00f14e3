import type { IncomingMessage, ServerResponse } from "node:http";
import { nullLogger } from "@messenger-ts/core";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { MessengerMetrics, type MessengerMetricsOptions } from "./messenger-metrics.js";

export interface PrometheusEndpointOptions extends Omit<MessengerMetricsOptions, "meterProvider"> {
  /** Prefixes every metric name (`myapp_messenger_messages_handled_total`). @defaultValue none */
  readonly prefix?: string;
}

/**
 * Messenger metrics for Prometheus without an OpenTelemetry SDK of the application's own: a private
 * `MeterProvider` read by the OpenTelemetry Prometheus exporter, which starts no server: serve
 * `requestHandler` on the application's own HTTP server (usually at `/metrics`).
 */
export interface PrometheusEndpoint {
  /** Its `middleware` goes into each bus's config; `register(messenger)` once the messenger exists. */
  readonly metrics: MessengerMetrics;
  readonly meterProvider: MeterProvider;
  /**
   * Answers a scrape with the Prometheus text format, whatever the method and path (route it
   * yourself). 500 when nothing could be collected; never throws.
   */
  readonly requestHandler: (request: IncomingMessage, response: ServerResponse) => void;
  /** Stops the provider (a last collection, then nothing is recorded). */
  shutdown(): Promise<void>;
}

export function createPrometheusEndpoint(options: PrometheusEndpointOptions = {}): PrometheusEndpoint {
  const { prefix, ...metricsOptions } = options;
  // The exporter is only the reader here (cumulative, as Prometheus wants); its own server never starts.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer(prefix, false, undefined, false, true);
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const metrics = new MessengerMetrics({ ...metricsOptions, meterProvider });
  const logger = options.logger ?? nullLogger;
  return {
    metrics,
    meterProvider,
    requestHandler: (_request, response) => {
      exporter.collect().then(
        ({ resourceMetrics, errors }) => {
          // A callback that threw is left out of the answer; the rest is still served.
          for (const error of errors) {
            logger.warn(
              { error: (error as Error)?.message ?? String(error) },
              "Metrics: an observed metric failed; it is left out of the scrape.",
            );
          }
          respond(response, 200, serializer.serialize(resourceMetrics));
        },
        (error: unknown) => {
          logger.error(
            { error: (error as Error)?.message ?? String(error) },
            "Metrics: the Prometheus scrape failed.",
          );
          respond(response, 500, "# the metrics could not be collected; the server log has the details\n");
        },
      );
    },
    shutdown: () => meterProvider.shutdown(),
  };
}

function respond(response: ServerResponse, status: number, body: string): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, {
    "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  response.end(body);
}
