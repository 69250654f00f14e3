import { fileURLToPath } from "node:url";
import { ScriptProcess } from "@messenger-ts/core/testing";

const script = fileURLToPath(new URL("../fixtures/schedule-worker.mjs", import.meta.url));

/** A scheduler worker child process (test/fixtures/schedule-worker.mjs). */
export class ChildWorker extends ScriptProcess {
  constructor(backend: "pg" | "redis" | "sqlite", namespace: string, options: readonly string[]) {
    super(script, [backend, namespace, options.join(",")], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
    });
  }
}
