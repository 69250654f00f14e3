import { ConsoleKernel, type ConsoleKernelOptions, messengerCommands } from "@messenger-ts/cli";
import { createLeadgenApp } from "../app/create-leadgen-app.js";
import type { LeadgenOptions } from "../app/leadgen-options.js";
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
    application: (globals) =>
      createLeadgenApp({
        // -vvv: the application's log records too (the worker's, the handlers').
        ...((globals.verbose ?? 0) >= 3 && !globals.quiet ? { logger: stderrLogger() } : {}),
        ...options.app,
      }),
    commands: [...messengerCommands(), ...leadgenCommands()],
  });
}
