// An application's own console (test/fixtures/kernel-console.mjs: `new ConsoleKernel({ application,
// commands: [...messengerCommands(), ...] })`) run as a real child process.
import { fileURLToPath } from "node:url";
import { ScriptProcess } from "@messenger-ts/core/testing";
import { describe, expect, it } from "vitest";

// Several child processes per test; on a loaded 2-core CI machine each can take seconds to start.
const CHILD_TIMEOUT = 30_000;

const CONSOLE = fileURLToPath(new URL("./fixtures/kernel-console.mjs", import.meta.url));

async function runConsole(args: readonly string[]) {
  const child = new ScriptProcess(CONSOLE, args, { env: { NO_COLOR: "1" } });
  const { code, signal } = await child.exited;
  return { code, signal, stdout: child.lines.join("\n"), stderr: child.stderr };
}

describe("an application's own console built on ConsoleKernel", { timeout: CHILD_TIMEOUT }, () => {
  it("lists the messenger commands and its own in one help, on stdout, exit 0", async () => {
    const result = await runConsole(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: console \[options\] \[command\]/);
    for (const name of [
      "messenger:stats",
      "messenger:setup-transports",
      "debug:messenger",
      "debug:scheduler",
      "app:greet",
      "app:wait",
    ]) {
      expect(result.stdout).toContain(name);
    }
  });

  it("runs the messenger commands on the application it builds", async () => {
    const stats = await runConsole(["messenger:stats"]);
    expect(stats.code).toBe(0);
    expect(stats.stdout.split("\n").filter(Boolean)).toEqual([
      "Transport  Count",
      "jobs       0",
      "audit      0",
    ]);

    // No terminal here: plain columns unless --ansi forces the box-drawn, coloured table.
    const ansi = await runConsole(["messenger:stats", "--ansi"]);
    expect(ansi.code).toBe(0);
    expect(ansi.stdout).toContain("┌");
    expect(ansi.stdout).toContain("\u001b[");

    const debug = await runConsole(["debug:messenger"]);
    expect(debug.code).toBe(0);
    expect(debug.stderr).toBe('[WARNING] No handled message found in bus "messenger.bus.default".\n');
  });

  it("runs its own command with data on stdout and status on stderr; -q keeps both quiet", async () => {
    const result = await runConsole(["app:greet", "ada", "--times=2"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("hello ada\nhello ada");
    expect(result.stderr).toBe("[OK] Greeted.\n");

    const quiet = await runConsole(["-q", "app:greet", "ada"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr).toBe("");
  });

  it("exits 2 on an unknown command and on a bad option value, naming what was wrong", async () => {
    const unknown = await runConsole(["app:gret", "ada"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: unknown command 'app:gret'");
    expect(unknown.stderr).toContain("(Did you mean app:greet?)");

    const badValue = await runConsole(["app:greet", "ada", "--times=many"]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('"many" is not a positive integer.');
  });

  it.each(["SIGTERM", "SIGINT"] as const)("aborts the command's signal on %s and exits 0", async (signal) => {
    const child = new ScriptProcess(CONSOLE, ["app:wait"]);
    await child.waitFor(/^waiting$/, 10_000);
    child.kill(signal);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.lines).toEqual(["waiting", "stopped"]);
  });
});
