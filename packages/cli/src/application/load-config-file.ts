import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessenger, Messenger, type MessengerConfig } from "@messenger-ts/core";
import type { ConsoleCommand } from "../console/console-command.js";
import { UsageError } from "../console/usage-error.js";
import type { ConsoleApplication } from "./console-application.js";
import { installedTransportFactories } from "./installed-transport-factories.js";
import { syntaxErrorLocation } from "./syntax-error-location.js";

/** The file names the standalone bin looks for, in this order. */
export const CONFIG_FILE_NAMES = [
  "messenger.config.js",
  "messenger.config.mjs",
  "messenger.config.ts",
] as const;

/**
 * What a config file's default export may be: a `MessengerConfig`, a `Messenger`, or an
 * application (`{ messenger, schedules?, commands? }` where `messenger` is either), or a function
 * (sync or async) returning one of those.
 */
export type ConfigFileExport =
  | MessengerConfig
  | Messenger
  | ConfigFileApplication
  | (() =>
      | MessengerConfig
      | Messenger
      | ConfigFileApplication
      | Promise<MessengerConfig | Messenger | ConfigFileApplication>);

export interface ConfigFileApplication extends Omit<ConsoleApplication, "messenger"> {
  readonly messenger: Messenger | MessengerConfig;
  /** The application's own commands, added to the standalone console. */
  readonly commands?: readonly ConsoleCommand<any>[];
}

export interface LoadedConfig {
  readonly path: string;
  readonly application: () => Promise<ConsoleApplication>;
  readonly commands: readonly ConsoleCommand<any>[];
}

/** Finds the config file: the given path, else the first of `CONFIG_FILE_NAMES` in `cwd`. */
export function findConfigFile(given: string | undefined, cwd = process.cwd()): string {
  if (given !== undefined) {
    const path = resolve(cwd, given);
    if (!existsSync(path))
      throw new UsageError(`Config file "${given}" does not exist.`, { code: "CONFIG_NOT_FOUND" });
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(cwd, name);
    if (existsSync(path)) return path;
  }
  throw new UsageError(
    `No config file found; create one of ${CONFIG_FILE_NAMES.join(", ")} here, or pass --config <path>.`,
    { code: "CONFIG_NOT_FOUND" },
  );
}

/**
 * Imports a config file. `.ts` files need a Node.js that strips types (22.18 and later); on an
 * older one the error says so. The messenger itself is built only when a command asks for it.
 */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(path).href);
  } catch (error) {
    if (path.endsWith(".ts") && (error as { code?: unknown })?.code === "ERR_UNKNOWN_FILE_EXTENSION") {
      throw new UsageError(
        `Cannot load "${path}": this Node.js (${process.version}) does not run TypeScript; use Node.js 22.18 or later, or a .js/.mjs config.`,
        { code: "CONFIG_NOT_LOADABLE", cause: error },
      );
    }
    // Node.js's SyntaxError names neither the file nor the line.
    const where = error instanceof SyntaxError ? syntaxErrorLocation(path) : undefined;
    if (where !== undefined) {
      throw new UsageError(`Config file has a syntax error: ${(error as SyntaxError).message}\n${where}`, {
        code: "CONFIG_NOT_LOADABLE",
        cause: error,
      });
    }
    throw error;
  }
  if (module.default === undefined) {
    throw new UsageError(
      `Config file "${path}" has no default export; export a MessengerConfig, a Messenger or a function returning one.`,
      {
        code: "CONFIG_INVALID",
      },
    );
  }
  const resolved = await (typeof module.default === "function" && !(module.default instanceof Messenger)
    ? (module.default as () => unknown)()
    : module.default);
  const app = normalize(resolved, path);
  // Transport packages resolve from the config file's directory, as the application's own imports do.
  const require = createRequire(path);
  const importModule = async (specifier: string) => import(pathToFileURL(require.resolve(specifier)).href);
  let built: Promise<ConsoleApplication> | undefined;
  return {
    path,
    commands: app.commands ?? [],
    application: () => {
      built ??= (async () => {
        const messenger =
          app.messenger instanceof Messenger
            ? app.messenger
            : await buildMessenger(app.messenger, importModule);
        return { ...app, messenger };
      })();
      return built;
    },
  };
}

async function buildMessenger(
  config: MessengerConfig,
  importModule: (specifier: string) => Promise<Record<string, unknown>>,
): Promise<Messenger> {
  const installed = await installedTransportFactories(importModule);
  return createMessenger({
    ...config,
    transportFactories: [...(config.transportFactories ?? []), ...installed],
  });
}

function normalize(value: unknown, path: string): ConfigFileApplication {
  if (value instanceof Messenger) return { messenger: value };
  if (value !== null && typeof value === "object") {
    if ("messenger" in value) return value as ConfigFileApplication;
    return { messenger: value as MessengerConfig };
  }
  throw new UsageError(
    `Config file "${path}" exports ${value === null ? "null" : typeof value}; export a MessengerConfig, a Messenger or a function returning one.`,
    { code: "CONFIG_INVALID" },
  );
}
