import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

/** One handled message as a worker process recorded it. */
export interface HandledEntry {
  readonly n: number;
  readonly pid: number;
}

const SUFFIX = ".handled";

/**
 * What the worker processes of the process-level suite handled, kept in a directory of the test's
 * own (one file per process), so the backend under test holds only messages. A worker appends with
 * a synchronous write before its handler returns, so a line survives a SIGKILL that comes after it.
 */
export class HandledLedger {
  #fd: number | undefined;

  constructor(readonly dir: string) {}

  /** Worker side: records that this process handled job `n`. */
  record(n: number): void {
    if (this.#fd === undefined) {
      mkdirSync(this.dir, { recursive: true });
      this.#fd = openSync(join(this.dir, `${process.pid}${SUFFIX}`), "a");
    }
    writeSync(this.#fd, `${n}\n`);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  /** Test side: every entry of every process, in no particular order across processes. */
  read(): HandledEntry[] {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((file) => file.endsWith(SUFFIX));
    } catch {
      return [];
    }
    return files.flatMap((file) => {
      const pid = Number(file.slice(0, -SUFFIX.length));
      return readFileSync(join(this.dir, file), "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => ({ n: Number(line), pid }));
    });
  }

  /** How many times job `n` was handled, by any process. */
  count(n: number): number {
    return this.read().filter((entry) => entry.n === n).length;
  }
}
