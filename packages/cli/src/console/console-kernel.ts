import { Command, CommanderError, Option } from "commander";
import type { ConsoleApplication } from "../application/console-application.js";
import type { CommandContext, ConsoleCommand } from "./console-command.js";
import { ConsoleOutput, type Writable } from "./console-output.js";
import { ExitCode } from "./exit-code.js";
import { UsageError } from "./usage-error.js";
import { Verbosity } from "./verbosity.js";

export interface ConsoleKernelOptions {
  /** The program name in help and usage lines. @defaultValue "console" */
  readonly name?: string;
  readonly version?: string;
  readonly description?: string;
  /**
   * Builds the application the messenger commands work on; called at most once per run, and only
   * by a command that needs it.
   */
  readonly application?: (globals: GlobalOptions) => ConsoleApplication | Promise<ConsoleApplication>;
  /** The commands: usually `messengerCommands()` plus the application's own. */
  readonly commands?: readonly ConsoleCommand<any>[];
  /** Declares extra global options (e.g. the standalone bin's `--config`). */
  readonly configure?: (program: Command) => void;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** @defaultValue stdin is a TTY */
  readonly interactive?: boolean;
}

/** The global options every command accepts. */
export interface GlobalOptions {
  readonly quiet?: boolean;
  readonly verbose?: number;
  readonly interaction?: boolean;
  readonly ansi?: boolean;
  readonly [key: string]: unknown;
}

/**
 * The console an application builds its `bin/console` with: one program, one help, one
 * exit-code convention (0 success, 1 failure, 2 usage error) and Symfony's global options
 * (`-q`, `-v`/`-vv`/`-vvv`, `-n`, `--ansi`/`--no-ansi`). Argument parsing and help are commander's.
 */
export class ConsoleKernel {
  readonly #options: ConsoleKernelOptions;
  readonly #commands: ConsoleCommand<any>[] = [];

  constructor(options: ConsoleKernelOptions = {}) {
    this.#options = options;
    for (const command of options.commands ?? []) this.add(command);
  }

  add(command: ConsoleCommand<any>): this {
    if (this.#commands.some((c) => c.name === command.name)) {
      throw new UsageError(`Command "${command.name}" is already registered.`, { code: "DUPLICATE_COMMAND" });
    }
    this.#commands.push(command);
    return this;
  }

  get commands(): readonly ConsoleCommand<any>[] {
    return this.#commands;
  }

  /** Parses `argv` (without node and script), runs the command and returns its exit code. */
  async run(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
    const stdout = this.#options.stdout ?? process.stdout;
    const stderr = this.#options.stderr ?? process.stderr;
    let exitCode: number = ExitCode.Success;
    let application: Promise<ConsoleApplication> | undefined;
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    const program = this.#program(stdout, stderr);

    for (const command of this.#commands) {
      const sub = program.command(command.name).description(command.description);
      for (const alias of command.aliases ?? []) sub.alias(alias);
      command.configure?.(sub);
      const copies = copyGlobalOptions(program, sub);
      sub.action(async (...parsed: unknown[]) => {
        const self = parsed.at(-1) as Command;
        const globals = globalsOf(program, self, copies);
        const output = new ConsoleOutput({
          stdout,
          stderr,
          verbosity: verbosityOf(globals),
          decorated: globals.ansi,
        });
        const context: CommandContext = {
          output,
          interactive:
            globals.interaction !== false && (this.#options.interactive ?? Boolean(process.stdin.isTTY)),
          signal: abort.signal,
          application: () => {
            if (!this.#options.application) {
              throw new UsageError(
                `Command "${command.name}" needs an application, and this console has none.`,
                {
                  code: "NO_APPLICATION",
                },
              );
            }
            application ??= Promise.resolve(this.#options.application(globals));
            return application;
          },
        };
        process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
        try {
          const code = await command.execute(
            { args: parsed.slice(0, -2), options: withoutCopies(self.opts(), copies) },
            context,
          );
          exitCode = code ?? ExitCode.Success;
        } catch (error) {
          exitCode = report(error, output);
        }
      });
    }

    if (!this.#commands.some((c) => c.name === "list" || c.aliases?.includes("list"))) {
      // Symfony users type `bin/console list` first; Symfony's list prints what the bare console does.
      program
        .command("list")
        .description("List commands")
        .action(() => program.outputHelp());
    }

    try {
      if (isBare(program, argv)) {
        // As Symfony's bare `bin/console`: the command list on stdout, exit 0 (commander would
        // print it to stderr as an error).
        program.outputHelp();
        return ExitCode.Success;
      }
      await program.parseAsync([...argv], { from: "user" });
    } catch (error) {
      if (error instanceof CommanderError) {
        // Help and version are successes; every parsing error is a usage error.
        exitCode = isHelpOrVersion(error) ? ExitCode.Success : ExitCode.Usage;
      } else {
        exitCode = report(error, new ConsoleOutput({ stdout, stderr }));
      }
    } finally {
      process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
      if (application) exitCode = await closeApplication(application, stderr, exitCode);
    }
    return exitCode;
  }

  #program(stdout: Writable, stderr: Writable): Command {
    const program = new Command(this.#options.name ?? "console")
      .description(this.#options.description ?? "")
      .option("-q, --quiet", "do not output any message (errors excepted)")
      .option(
        "-v, --verbose",
        "more output: -v, -vv (per-message logs), -vvv (debug)",
        (_, n: number) => n + 1,
        0,
      )
      .option("-n, --no-interaction", "do not ask any interactive question")
      .option("--ansi", "force colours and box-drawn tables")
      .option("--no-ansi", "disable colours and box-drawn tables")
      // The program's options end at the command name; each command gets copies (see copyGlobalOptions).
      .enablePositionalOptions()
      .showHelpAfterError("(run with --help for usage)")
      .exitOverride()
      .configureOutput({
        writeOut: (s) => stdout.write(s),
        writeErr: (s) => stderr.write(s),
      });
    if (this.#options.version) program.version(this.#options.version);
    this.#options.configure?.(program);
    return program;
  }
}

/**
 * Global options may follow the command name, as in Symfony, but a command's own option wins a
 * flag they share (an app's `-q, --query` is not `--quiet`): each command gets a hidden copy of
 * every global option under the flags it does not use itself. Returns the copies' attribute names.
 */
function copyGlobalOptions(program: Command, sub: Command): ReadonlySet<string> {
  const taken = new Set(sub.options.flatMap((o) => [o.short, o.long].filter((f) => f !== undefined)));
  const own = new Set(sub.options.map((o) => o.attributeName()));
  const copies = new Set<string>();
  for (const option of program.options) {
    const flags = [option.short, option.long].filter((f) => f !== undefined && !taken.has(f));
    // Both flags taken: the command's own option owns the name too.
    if (flags.length === 0 || own.has(option.attributeName())) continue;
    const value = /[<[].*$/.exec(option.flags)?.[0];
    const copy = new Option(value ? `${flags.join(", ")} ${value}` : flags.join(", "), option.description)
      .default(option.defaultValue)
      .hideHelp();
    if (option.parseArg) copy.argParser(option.parseArg);
    sub.addOption(copy);
    copies.add(option.attributeName());
  }
  return copies;
}

/** The program's options, overridden by the copies given after the command name. */
function globalsOf(program: Command, sub: Command, copies: ReadonlySet<string>): GlobalOptions {
  const globals: Record<string, unknown> = { ...program.opts() };
  for (const name of copies) {
    if (sub.getOptionValueSource(name) !== "cli") continue;
    const before = globals[name];
    const after = sub.getOptionValue(name);
    // A counted flag counts on both sides: `-v cmd -v` is -vv.
    globals[name] = typeof before === "number" && typeof after === "number" ? before + after : after;
  }
  return globals;
}

/** The command's own options: the copies of the global ones are read by globalsOf(). */
function withoutCopies(
  options: Record<string, unknown>,
  copies: ReadonlySet<string>,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([name]) => !copies.has(name)));
}

/** No command and nothing but known global options. */
function isBare(program: Command, argv: readonly string[]): boolean {
  const probe = new Command().exitOverride();
  for (const option of program.options) probe.addOption(option);
  const { operands, unknown } = probe.parseOptions([...argv]);
  return operands.length === 0 && unknown.length === 0 && !argv.some((a) => HELP_OR_VERSION.has(a));
}

const HELP_OR_VERSION = new Set(["-h", "--help", "-V", "--version"]);

function verbosityOf(globals: GlobalOptions): Verbosity {
  if (globals.quiet) return Verbosity.Quiet;
  return Math.min(globals.verbose ?? 0, Verbosity.Debug) as Verbosity;
}

function isHelpOrVersion(error: CommanderError): boolean {
  return (
    error.code === "commander.helpDisplayed" ||
    error.code === "commander.version" ||
    error.code === "commander.help"
  );
}

/** Prints an error (its stack with -vvv) and returns its exit code. */
function report(error: unknown, output: ConsoleOutput): number {
  if (error instanceof UsageError) {
    output.error(error.message);
    return ExitCode.Usage;
  }
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  output.error(typeof code === "string" ? `${message} [${code}]` : message);
  if (!output.isVerbose || !(error instanceof Error)) return ExitCode.Failure;
  // -v: the chain of causes (a driver's own message often says what really failed); -vvv: stacks.
  if (output.isDebug && error.stack) output.writeErr(`${error.stack}\n`);
  const seen = new Set<unknown>([error]);
  for (let cause = error.cause; cause instanceof Error && !seen.has(cause); cause = cause.cause) {
    seen.add(cause);
    output.writeErr(`caused by: ${output.isDebug && cause.stack ? cause.stack : cause.message}\n`);
  }
  return ExitCode.Failure;
}

async function closeApplication(
  application: Promise<ConsoleApplication>,
  stderr: Writable,
  exitCode: number,
): Promise<number> {
  try {
    const app = await application;
    await (app.close ? app.close() : app.messenger.close());
    return exitCode;
  } catch (error) {
    // The application failed to build: already reported by the command. A close error is reported here.
    if (exitCode !== ExitCode.Success) return exitCode;
    stderr.write(`[ERROR] ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.Failure;
  }
}
