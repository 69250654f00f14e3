import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The application's bin/console, beside the build this module is part of. */
export const CONSOLE_BIN = fileURLToPath(new URL("../../bin/console", import.meta.url));

export interface CommandResult {
  readonly code: number;
  /** stdout and stderr in the order they arrived, line by line. */
  readonly output: string;
}

/** Runs `bin/console <args>` to completion and returns its exit code and its output. */
export function runConsole(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONSOLE_BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A long-running `bin/console` process (a worker) whose lines are handed over as they come. */
export class ConsoleProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number>;
  /** Every line it printed so far. */
  readonly lines: string[] = [];

  constructor(args: readonly string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void) {
    this.child = spawn(process.execPath, [CONSOLE_BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let rest = "";
      stream.on("data", (chunk: Buffer) => {
        const text = rest + chunk.toString("utf8");
        const parts = text.split("\n");
        rest = parts.pop()!;
        for (const line of parts) {
          this.lines.push(line);
          onLine(line);
        }
      });
      stream.on("end", () => {
        if (rest !== "") {
          this.lines.push(rest);
          onLine(rest);
        }
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.on("error", () => resolve(1));
      this.child.on("close", (code) => resolve(code ?? 1));
    });
  }

  /** Sends SIGTERM unless it has exited (a graceful stop: the messages in hand finish). */
  terminate(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
  }
}
