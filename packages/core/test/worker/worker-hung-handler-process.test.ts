import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../fixtures/hung-handler-worker.mjs", import.meta.url));

describe("a handler that never settles (a real worker process)", () => {
  it("is a hang that the grace period ends, not an exit with code 13", async () => {
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    // Without a ref'd handle, Node finds nothing left to wait for and exits 13 right after the
    // handler started ("unsettled top-level await"), before the stop timer could fire.
    expect(code, output).toBe(1);
    expect(output).toContain("handler started");
    expect(output).toMatch(/error Abandoned message.*"transport":"q","class":"Job","id":1/);
    expect(output).toContain("run rejected: WORKER_STOP_TIMEOUT");
    expect(output).not.toContain("acked");
    expect(output).not.toContain("rejected\n");
  });
});
