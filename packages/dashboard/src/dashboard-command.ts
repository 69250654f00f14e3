import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { defineCommand, port, UsageError } from "@messenger-ts/cli";
import { createDashboard } from "./create-dashboard.js";
import { isLoopback } from "./security/is-loopback.js";

interface DashboardCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly readOnly?: boolean;
}

/**
 * `messenger:dashboard [--port=8080] [--host=127.0.0.1] [--read-only]`: serves the dashboard over
 * HTTP until SIGINT / SIGTERM. On a loopback address it is for local use; on any other address it
 * needs a token in `MESSENGER_DASHBOARD_TOKEN` and refuses to start without one.
 *
 * A command of this package, not of `@messenger-ts/cli`: the dashboard builds on the console's
 * failed-message functions, so the console cannot depend on it. The standalone `messenger` bin
 * runs it when `messenger.config` lists it in `commands`.
 */
export const dashboardCommand = defineCommand<DashboardCommandOptions>({
  name: "messenger:dashboard",
  description: "Serve the dashboard: queues, failed messages, schedules and workers",
  configure(command) {
    command
      .option("-p, --port <port>", "port to listen on, 0 for any free one", port, 8080)
      .option(
        "--host <host>",
        "address to listen on; any but loopback needs MESSENGER_DASHBOARD_TOKEN",
        "127.0.0.1",
      )
      .option("--read-only", "show everything, offer no retry or remove");
  },
  async execute({ options }, { output, application, signal }) {
    // From the environment, not an option: an argument shows in `ps`. An empty variable is no
    // token: it would let in anyone who sends an empty one.
    const token = process.env.MESSENGER_DASHBOARD_TOKEN || undefined;
    const local = options.host === "localhost" || isLoopback(options.host);
    if (!local && token === undefined) {
      throw new UsageError(
        `--host ${options.host} lets other machines in: set MESSENGER_DASHBOARD_TOKEN to a token they must send, or listen on 127.0.0.1.`,
      );
    }
    const app = await application();
    const dashboard = createDashboard({
      messenger: app.messenger,
      scheduler: app.schedules,
      readOnly: options.readOnly === true,
      ...(token === undefined ? { localOnly: true } : { token }),
    });
    const server = createServer((request, response) => void dashboard(request, response));
    server.listen(options.port, options.host);
    await Promise.race([
      once(server, "listening"),
      once(server, "error").then(([error]) => Promise.reject(error)),
    ]);
    const address = server.address() as AddressInfo;
    output.success(
      `Dashboard on http://${address.address}:${address.port}/ (${token === undefined ? "local use only" : "token from MESSENGER_DASHBOARD_TOKEN"}${options.readOnly ? ", read-only" : ""}).`,
    );
    output.comment("Stop it with CONTROL-C.");
    if (!signal.aborted) await once(signal, "abort");
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    output.note("Dashboard stopped.");
  },
});
