import { type ChildProcess, spawn } from "node:child_process";

/**
 * A Node script run as a child process whose stdout lines a test can wait for: the worker
 * processes of the process-level conformance suite and of the scheduler's crash tests.
 */
export class ScriptProcess {
  readonly process: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: (() => void)[] = [];
  #stderr = "";

  constructor(
    script: string,
    args: readonly string[],
    options: { cwd?: string; env?: Readonly<Record<string, string>> } = {},
  ) {
    this.process = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffer = "";
    this.process.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      this.lines.push(...parts);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.process.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.#stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      this.process.once("exit", (code, signal) => {
        for (const wake of this.#waiters.splice(0)) wake();
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.process.pid!;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The stdout lines matching `pattern`. */
  matching(pattern: RegExp): string[] {
    return this.lines.filter((line) => pattern.test(line));
  }

  /** Waits until `count` stdout lines match `pattern`; throws with the process's output after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs: number, count = 1): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.matching(pattern);
      if (found.length >= count) return found[count - 1]!;
      const left = deadline - Date.now();
      if (left <= 0 || this.process.exitCode !== null || this.process.signalCode !== null) {
        throw new Error(
          `process ${this.pid} printed ${found.length} of ${count} lines matching ${pattern} (exit ${this.process.exitCode ?? this.process.signalCode}).\nstdout:\n${this.lines.join("\n")}\nstderr:\n${this.#stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
  }
}
