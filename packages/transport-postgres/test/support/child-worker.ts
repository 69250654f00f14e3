import { fileURLToPath } from "node:url";
import { ScriptProcess } from "@messenger-ts/core/testing";

const script = fileURLToPath(new URL("../fixtures/worker.mjs", import.meta.url));

/** A worker child process running test/fixtures/worker.mjs. */
export class ChildWorker extends ScriptProcess {
  constructor(mode: "drain" | "slow" | "fast", schema: string, concurrency = 1) {
    super(script, [mode, schema, String(concurrency)], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    });
  }
}
