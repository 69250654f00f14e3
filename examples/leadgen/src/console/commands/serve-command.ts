import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { defineCommand, nonNegativeSeconds, port } from "@messenger-ts/cli";
import { createDashboard } from "@messenger-ts/dashboard";
import { InvalidArgumentError } from "commander";
import { createLeadgenServer, DASHBOARD_PATH } from "../../http/leadgen-server.js";
import { leadgenAppOf } from "../leadgen-app-of.js";

interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly maxDepth?: number;
  readonly maxAge?: number;
  readonly maxFailed?: number;
}

/** Default port: PORT, else 8080. */
const DEFAULT_PORT = 8080;

/**
 * `app:serve`: the HTTP endpoints (`POST /webhooks/ses`, `POST /proposals`, `GET /health`,
 * `GET /metrics`) and the dashboard under `/dashboard` until SIGINT / SIGTERM, then it stops
 * accepting, finishes the requests in progress and exits 0.
 *
 * The dashboard is for local use (`localOnly`) unless LEADGEN_DASHBOARD_TOKEN is set: then every
 * request must carry that token, as the dashboard's `token` option says.
 */
export const serveCommand = defineCommand<ServeOptions>({
  name: "app:serve",
  description:
    "Serve the HTTP endpoints: POST /webhooks/ses, POST /proposals, GET /health, GET /metrics, and the dashboard under /dashboard",
  configure(command) {
    command
      .option("-p, --port <port>", "port to listen on, 0 for any free one (default: PORT, else 8080)", port)
      // Loopback unless asked: a development server should not be reachable from the network.
      .option("--host <host>", "address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
      .option(
        "--max-depth <count>",
        "health: most messages one queue may hold (LEADGEN_HEALTH_MAX_DEPTH)",
        count,
      )
      .option(
        "--max-age <seconds>",
        "health: longest a due message may wait, in seconds (LEADGEN_HEALTH_MAX_AGE)",
        nonNegativeSeconds,
      )
      .option(
        "--max-failed <count>",
        "health: most messages the failure transport may hold (LEADGEN_HEALTH_MAX_FAILED)",
        count,
      );
  },
  async execute({ options }, context) {
    const app = await leadgenAppOf(context);
    const { output, signal } = context;
    const token = process.env.LEADGEN_DASHBOARD_TOKEN;
    const dashboard = createDashboard({
      messenger: app.messenger,
      basePath: DASHBOARD_PATH,
      scheduler: app.schedules,
      // The history page, when LEADGEN_MESSAGE_HISTORY is on.
      history: app.history,
      // An empty variable is no token: it would let anyone in who sends an empty one.
      ...(token ? { token } : { localOnly: true }),
    });
    const server = createLeadgenServer(app, {
      dashboard,
      thresholds: {
        ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
        ...(options.maxAge === undefined ? {} : { maxOldestAgeSeconds: options.maxAge }),
        ...(options.maxFailed === undefined ? {} : { maxFailed: options.maxFailed }),
      },
      onRequest: output.isVerbose
        ? ({ method, path, status, ms }) => output.comment(`${method} ${path} ${status} (${ms} ms)`)
        : undefined,
    });
    const listenPort = options.port ?? (process.env.PORT ? port(process.env.PORT) : DEFAULT_PORT);
    server.listen(listenPort, options.host);
    await Promise.race([
      once(server, "listening"),
      once(server, "error").then(([error]) => Promise.reject(error)),
    ]);
    const address = server.address() as AddressInfo;
    output.success(
      `Listening on http://${address.address}:${address.port} (POST /webhooks/ses, POST /proposals, GET /health, GET /metrics).`,
    );
    output.comment(
      `Dashboard: http://${address.address}:${address.port}${DASHBOARD_PATH}/ (${token ? "token from LEADGEN_DASHBOARD_TOKEN" : "local use only, no token"}).`,
    );
    output.comment("Stop the server with CONTROL-C.");
    if (!signal.aborted) await once(signal, "abort");
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    output.note("Server stopped.");
  },
});

function count(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`"${value}" is not a count: expected a whole number from 0.`);
  }
  return n;
}
