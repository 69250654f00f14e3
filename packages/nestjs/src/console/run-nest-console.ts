import {
  type ConsoleCommand,
  ConsoleKernel,
  type ConsoleKernelOptions,
  messengerCommands,
} from "@messenger-ts/cli";
import { Messenger } from "@messenger-ts/core";
import type { DynamicModule, INestApplicationContext, LogLevel, Type } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { MESSENGER_MODULE_OPTIONS, type MessengerModuleOptions } from "../messenger-module-options.js";

export interface NestConsoleOptions extends Pick<ConsoleKernelOptions, "stdout" | "stderr" | "interactive"> {
  /** The console's name in its help. @defaultValue "console" */
  readonly name?: string;
  /** The application's own commands, besides every `messenger:*` and `debug:*` one. */
  readonly commands?: readonly ConsoleCommand<any>[];
  /** @defaultValue `process.argv.slice(2)` */
  readonly argv?: readonly string[];
  /**
   * What Nest itself logs while the application context starts and stops (to stderr for errors
   * and warnings). @defaultValue ["error", "warn"], so the commands' own output stays readable
   */
  readonly logger?: false | readonly LogLevel[];
}

/**
 * The console of a Nest application: the `messenger:*` and `debug:*` commands (and the
 * application's own) run against the messenger of `module`, built by Nest as the HTTP application
 * builds it, in a Nest application context (no HTTP server). The context is created only by a
 * command that needs it (so `--help` starts nothing) and closed when the command is done, which
 * closes the transports. Returns the exit code.
 *
 * @example
 * ```ts
 * // src/console.ts
 * import "reflect-metadata";
 * import { runNestConsole } from "@messenger-ts/nestjs/console";
 * import { AppModule } from "./app.module.js";
 * process.exitCode = await runNestConsole(AppModule);
 * ```
 */
export async function runNestConsole(
  module: Type | DynamicModule,
  options: NestConsoleOptions = {},
): Promise<number> {
  const kernel = new ConsoleKernel({
    name: options.name ?? "console",
    ...(options.stdout ? { stdout: options.stdout } : {}),
    ...(options.stderr ? { stderr: options.stderr } : {}),
    ...(options.interactive !== undefined ? { interactive: options.interactive } : {}),
    application: async () => {
      const context: INestApplicationContext = await NestFactory.createApplicationContext(module, {
        logger: options.logger === false ? false : [...(options.logger ?? ["error", "warn"])],
      });
      const config = context.get<MessengerModuleOptions>(MESSENGER_MODULE_OPTIONS, { strict: false });
      return {
        messenger: context.get(Messenger, { strict: false }),
        ...(config.schedules ? { schedules: config.schedules } : {}),
        close: () => context.close(),
      };
    },
    commands: [...messengerCommands(), ...(options.commands ?? [])],
  });
  return await kernel.run(options.argv ?? process.argv.slice(2));
}
