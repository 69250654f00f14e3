import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ProcessWorkerConfig } from "./process-worker-config.js";
import { ScriptProcess } from "./script-process.js";

/** The worker script, beside this module in the built package. */
function workerScript(): string {
  const script = fileURLToPath(new URL("./process-worker.js", import.meta.url));
  if (!existsSync(script)) {
    throw new Error(
      `${script} is missing: the process-level suite runs the worker of the built @messenger-ts/core (dist)`,
    );
  }
  return script;
}

/** A worker process of the process-level suite, and what it printed. */
export class ConformanceWorkerProcess extends ScriptProcess {
  constructor(readonly config: ProcessWorkerConfig) {
    super(workerScript(), [JSON.stringify(config)]);
  }

  /** Waits for the first idle round. */
  async ready(timeoutMs = 20_000): Promise<void> {
    await this.waitFor(/^ready$/, timeoutMs);
  }

  /** Waits for `started <n>` and returns the time the worker printed with it (Date.now() there). */
  async started(n: number, timeoutMs: number): Promise<number> {
    return timeOf(await this.waitFor(new RegExp(`^started ${n} `), timeoutMs));
  }

  /** Waits for `finished <n>` and returns the time the worker printed with it. */
  async finished(n: number, timeoutMs: number): Promise<number> {
    return timeOf(await this.waitFor(new RegExp(`^finished ${n} `), timeoutMs));
  }

  /** How many handlers began job `n` in this process. */
  startedCount(n: number): number {
    return this.matching(new RegExp(`^started ${n} `)).length;
  }

  /** The `error …` lines: what the worker's logger got. */
  get errors(): string[] {
    return this.matching(/^error /);
  }
}

function timeOf(line: string): number {
  return Number(line.split(" ")[2]);
}
