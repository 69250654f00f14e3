import type { Command } from "commander";
import type { ConsoleApplication } from "../application/console-application.js";
import type { ConsoleOutput } from "./console-output.js";
import type { ExitCode } from "./exit-code.js";

/** What a command receives when it runs. */
export interface CommandContext {
  readonly output: ConsoleOutput;
  /** False with `-n` / `--no-interaction` or when stdin is not a TTY: never prompt then. */
  readonly interactive: boolean;
  /** The application, built on first call (so `--help` and usage errors never connect anywhere). */
  application(): Promise<ConsoleApplication>;
  /** Aborted on SIGINT / SIGTERM; long-running commands stop gracefully. */
  readonly signal: AbortSignal;
}

/**
 * One console command: a name (`messenger:stats`), its arguments and options declared on a
 * commander `Command`, and what it does. Options arrive camelCased as commander parses them.
 */
export interface ConsoleCommand<Options = Record<string, any>> {
  readonly name: string;
  readonly description: string;
  readonly aliases?: readonly string[];
  /** Declares arguments and options; use the parsers of `option-parsers.ts` for checked values. */
  configure?(command: Command): void;
  /** Returns the exit code (default 0); throw a `UsageError` for exit code 2, anything else for 1. */
  execute(input: CommandInput<Options>, context: CommandContext): Promise<ExitCode | number | undefined>;
}

export interface CommandInput<Options> {
  /** Positional arguments in declaration order (a variadic one is an array). */
  readonly args: readonly any[];
  readonly options: Options;
}

/** Types a command's options without a class. */
export function defineCommand<Options = Record<string, any>>(
  command: ConsoleCommand<Options>,
): ConsoleCommand<Options> {
  return command;
}
