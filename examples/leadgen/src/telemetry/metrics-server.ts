import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrometheusEndpoint } from "@messenger-ts/opentelemetry/prometheus";

/** A `/metrics`-only server, for the processes that serve nothing else (the workers). */
export interface MetricsServer {
  /** Where it listens: `http://host:port/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function serveMetrics(
  endpoint: PrometheusEndpoint,
  port: number,
  host: string,
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path === "/metrics" && (request.method === "GET" || request.method === "HEAD")) {
      endpoint.requestHandler(request, response);
      return;
    }
    response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    response.end("Only GET /metrics here.\n");
  });
  server.listen(port, host);
  await Promise.race([
    once(server, "listening"),
    once(server, "error").then(([error]) => Promise.reject(error)),
  ]);
  // A scrape in progress must not keep a stopping worker alive.
  server.unref();
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
