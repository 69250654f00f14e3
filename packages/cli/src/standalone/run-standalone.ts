import { createRequire } from "node:module";
import { findConfigFile, type LoadedConfig, loadConfigFile } from "../application/load-config-file.js";
import { messengerCommands } from "../commands/messenger-commands.js";
import { ConsoleKernel, type ConsoleKernelOptions } from "../console/console-kernel.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

/**
 * The standalone `messenger` bin, for applications without a console of their own: the messenger
 * commands over the configuration in `messenger.config.{js,mjs,ts}` (or `--config <path>`), plus
 * the commands that file exports.
 */
export async function runStandalone(
  argv: readonly string[] = process.argv.slice(2),
  options: Pick<ConsoleKernelOptions, "stdout" | "stderr" | "interactive"> = {},
): Promise<number> {
  let loaded: LoadedConfig | undefined;
  let loadError: unknown;
  try {
    loaded = await loadConfigFile(findConfigFile(configOption(argv)));
  } catch (error) {
    // Reported when a command needs the application, so `--help` still works without a config.
    loadError = error;
  }
  const kernel = new ConsoleKernel({
    ...options,
    name: "messenger",
    version,
    description: "Symfony Messenger's console for messenger-ts",
    commands: [...messengerCommands(), ...(loaded?.commands ?? [])],
    configure: (program) => {
      program.option(
        "-c, --config <path>",
        "the configuration file (default: messenger.config.{js,mjs,ts} here)",
      );
      // Without its config file the console lacks the file's own commands: an "unknown command"
      // alone would hide why, so say what went wrong with the file first.
      if (loadError !== undefined) {
        program.on("command:*", (operands: string[]) => {
          const reason = loadError instanceof Error ? loadError.message : String(loadError);
          program
            .configureOutput()
            .writeErr?.(
              `[ERROR] The config file could not be loaded, so its commands are missing: ${reason}\n`,
            );
          program.error(`error: unknown command '${operands[0]}'`, { code: "commander.unknownCommand" });
        });
      }
    },
    application: () => {
      if (!loaded) throw loadError;
      return loaded.application();
    },
  });
  return kernel.run(argv);
}

/** `--config` must be known before parsing, since the file may add commands. */
function configOption(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return undefined;
    if (arg === "--config" || arg === "-c") return argv[i + 1];
    if (arg.startsWith("--config=")) return arg.slice("--config=".length);
  }
  return undefined;
}
