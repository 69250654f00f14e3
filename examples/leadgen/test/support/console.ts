import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The application's bin/console (over the build: run `pnpm --filter @messenger-ts/example-leadgen build` first). */
export const CONSOLE_BIN = fileURLToPath(new URL("../../bin/console", import.meta.url));

export interface ConsoleRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bin/console <args>` as a child process with exactly `env` (plus PATH); never rejects on an exit code. */
export function runConsole(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<ConsoleRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CONSOLE_BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}
