// messenger:dashboard through the standalone bin, as an operator runs it.
import { fileURLToPath } from "node:url";
import { ScriptProcess } from "@messenger-ts/core/testing";
import { afterEach, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../cli/bin/messenger.js", import.meta.url));
const CONFIG = fileURLToPath(new URL("./fixtures/dashboard.config.mjs", import.meta.url));

const started: ScriptProcess[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    child.kill("SIGKILL");
    await child.exited;
  }
});

function dashboard(args: readonly string[], env: Record<string, string> = {}): ScriptProcess {
  const child = new ScriptProcess(BIN, ["--config", CONFIG, "messenger:dashboard", ...args], {
    env: { MESSENGER_DASHBOARD_TOKEN: "", ...env },
  });
  started.push(child);
  return child;
}

/** The console prints its status lines on stderr (docs/decisions/0005): waits for the address there. */
async function addressOf(child: ScriptProcess): Promise<{ line: string; url: string }> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    const line = /\[OK\] Dashboard on http:\/\/.*/.exec(child.stderr)?.[0];
    if (line !== undefined) return { line, url: /http:\/\/[^/\s]+\//.exec(line)![0] };
    if (child.process.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`messenger:dashboard printed no address; stderr:\n${child.stderr}`);
}

describe("messenger:dashboard", { timeout: 30_000 }, () => {
  it("serves the dashboard on loopback for local use until SIGTERM, then exits 0", async () => {
    const child = dashboard(["--port", "0"]);
    const { line, url } = await addressOf(child);
    expect(line).toContain("local use only");
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-transport="async"');
    expect(html).toContain('data-transport="failed"');
    child.kill("SIGTERM");
    expect((await child.exited).code).toBe(0);
  });

  it("with MESSENGER_DASHBOARD_TOKEN, refuses a request without the token", async () => {
    const child = dashboard(["--port", "0", "--read-only"], { MESSENGER_DASHBOARD_TOKEN: "s3cret-token" });
    const { line, url } = await addressOf(child);
    expect(line).toContain("token from MESSENGER_DASHBOARD_TOKEN, read-only");
    expect(child.stderr + child.lines.join("\n")).not.toContain("s3cret-token");
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(200);
  });

  it("refuses to listen beyond loopback without a token, naming the host and the variable (exit 2)", async () => {
    const child = dashboard(["--host", "0.0.0.0", "--port", "0"]);
    const { code } = await child.exited;
    expect(code).toBe(2);
    expect(child.stderr).toContain("--host 0.0.0.0 lets other machines in: set MESSENGER_DASHBOARD_TOKEN");
  });

  it("names a bad port and what is allowed (exit 2)", async () => {
    const child = dashboard(["--port", "70000"]);
    expect((await child.exited).code).toBe(2);
    expect(child.stderr).toContain('"70000" is not a port: expected 0 to 65535.');
  });
});
