import { ConsoleKernel, type ConsoleKernelOptions, messengerCommands, port } from "@messenger-ts/cli";
import { createLeadgenApp } from "../app/create-leadgen-app.js";
import type { LeadgenApp } from "../app/leadgen-app.js";
import type { LeadgenOptions } from "../app/leadgen-options.js";
import { serveMetrics } from "../telemetry/metrics-server.js";
import { leadgenCommands } from "./leadgen-commands.js";
import { stderrLogger } from "./stderr-logger.js";

export interface LeadgenConsoleOptions
  extends Pick<ConsoleKernelOptions, "stdout" | "stderr" | "interactive"> {
  /** Options of the application the commands work on; environment variables fill in the rest. */
  readonly app?: LeadgenOptions;
}

/**
 * `bin/console`: the messenger commands (`messenger:consume`, `messenger:stats`,
 * `messenger:failed:*`, `debug:messenger`, `debug:scheduler`, …) and the application's own
 * (`app:*`), on the application `createLeadgenApp` builds from the environment. The application
 * is built only by a command that needs it, so `--help` never opens a database.
 */
export function createLeadgenConsole(options: LeadgenConsoleOptions = {}): ConsoleKernel {
  return new ConsoleKernel({
    name: "bin/console",
    description: "The lead-generation application on messenger-ts",
    stdout: options.stdout,
    stderr: options.stderr,
    interactive: options.interactive,
    configure: (program) => {
      program.option(
        "--metrics-port <port>",
        "serve this process's messenger metrics at http://127.0.0.1:<port>/metrics while the command runs (for workers; 0 for any free port)",
        port,
      );
    },
    application: async (globals) => {
      const app = await createLeadgenApp({
        // -vvv: the application's log records too (the worker's, the handlers').
        ...((globals.verbose ?? 0) >= 3 && !globals.quiet ? { logger: stderrLogger() } : {}),
        ...options.app,
      });
      const metricsPort = globals.metricsPort as number | undefined;
      return metricsPort === undefined ? app : withMetricsServer(app, metricsPort);
    },
    commands: [...messengerCommands(), ...leadgenCommands()],
  });
}

/** Serves the app's metrics until it is closed (the console closes it when the command ends). */
async function withMetricsServer(app: LeadgenApp, port: number): Promise<LeadgenApp> {
  let server: Awaited<ReturnType<typeof serveMetrics>>;
  try {
    server = await serveMetrics(app.metrics, port, "127.0.0.1");
  } catch (error) {
    await app.close();
    throw error;
  }
  app.logger.info({ url: server.url }, `Serving the messenger metrics at ${server.url}`);
  return {
    ...app,
    async close() {
      try {
        await server.close();
      } finally {
        await app.close();
      }
    },
  };
}
