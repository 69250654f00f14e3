// The standalone `messenger` bin as a real child process: how it finds and loads its config file,
// and that a DSN's password never reaches the terminal.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

// Several child processes per test; on a loaded 2-core CI machine each can take seconds to start.
const CHILD_TIMEOUT = 30_000;

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The transports `messenger:stats` lists: proof that the application was built from the file. */
function transportsOf(stdout: string): string[] {
  return stdout
    .split("\n")
    .slice(1)
    .filter(Boolean)
    .map((line) => line.split(/\s+/)[0]!);
}

describe("the standalone bin's config file", { timeout: CHILD_TIMEOUT }, () => {
  const emptyDir = mkdtempSync(join(tmpdir(), "messenger-standalone-"));
  afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

  it("finds messenger.config.mjs in the working directory without --config", async () => {
    const result = await runCli(["messenger:stats"], { cwd: fixture("standalone-cwd") });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(transportsOf(result.stdout)).toEqual(["from_cwd"]);
  });

  it("takes --config <path>, --config=<path> and -c <path>, relative to the working directory", async () => {
    for (const args of [
      ["--config", "test/fixtures/standalone-function.config.mjs"],
      ["--config=test/fixtures/standalone-function.config.mjs"],
      ["-c", "test/fixtures/standalone-function.config.mjs"],
    ]) {
      const result = await runCli([...args, "messenger:stats"]);
      expect(result.code).toBe(0);
      expect(transportsOf(result.stdout)).toEqual(["from_function"]);
    }
  });

  it.each([
    ["a function returning a MessengerConfig", "standalone-function.config.mjs", "from_function"],
    ["an async function", "standalone-async.config.mjs", "from_async_function"],
    ["a Messenger", "standalone-messenger.config.mjs", "from_messenger"],
    ["{ messenger, schedules, commands }", "standalone-app.config.mjs", "from_app"],
  ])("loads a default export that is %s", async (_form, file, transport) => {
    const result = await runCli(["--config", fixture(file), "messenger:stats"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(transportsOf(result.stdout)).toEqual([transport]);
  });

  it("adds the commands and schedules of an application export", async () => {
    const config = fixture("standalone-app.config.mjs");
    const help = await runCli(["--config", config, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/app:hello \[options\] <name>\s+Greets from the config file's own command/);

    const hello = await runCli(["--config", config, "app:hello", "ada"]);
    expect(hello.code).toBe(0);
    expect(hello.stdout).toBe("hello ada from from_app\n");

    const schedules = await runCli(["--config", config, "debug:scheduler", "--date=2026-01-01T00:02:00Z"], {
      env: { TZ: "UTC" },
    });
    expect(schedules.code).toBe(0);
    expect(schedules.stdout).toContain("every 5 minutes  standalone.tick  Thu, 01 Jan 2026 00:05:00 +0000");
  });

  it("says where it looked when there is no config file, and exits 2", async () => {
    const result = await runCli(["messenger:stats"], { cwd: emptyDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "[ERROR] No config file found; create one of messenger.config.js, messenger.config.mjs, messenger.config.ts here, or pass --config <path>.\n",
    );
    expect(result.stdout).toBe("");
  });

  it("names a --config path that does not exist, and exits 2", async () => {
    const result = await runCli(["--config", "missing.config.mjs", "messenger:stats"], { cwd: emptyDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('[ERROR] Config file "missing.config.mjs" does not exist.\n');
  });

  it("still shows its help without a config file", async () => {
    const result = await runCli(["--help"], { cwd: emptyDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("messenger:stats");
    expect(result.stdout).toContain("-c, --config <path>");
  });

  it("refuses a file without a default export, and exits 2", async () => {
    const config = fixture("standalone-no-default.config.mjs");
    const result = await runCli(["--config", config, "messenger:stats"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `[ERROR] Config file "${config}" has no default export; export a MessengerConfig, a Messenger or a function returning one.\n`,
    );
  });

  it("names the file and line of a syntax error, with the line and a caret, and exits 2", async () => {
    // Written here: a fixture with a syntax error would break the linter.
    const config = join(emptyDir, "messenger.config.mjs");
    const bad = '  transports: { a: "in-memory://" },,';
    writeFileSync(config, `export default {\n${bad}\n};\n`);
    const caret = `${" ".repeat(bad.indexOf(",,") + 1)}^`;
    const result = await runCli(["--config", config, "messenger:stats"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `[ERROR] Config file has a syntax error: Unexpected token ','\n${config}:2\n${bad}\n${caret}\n`,
    );
    rmSync(config);
  });

  it("reports a file that throws while loading when a command needs it, and exits 1", async () => {
    const config = fixture("standalone-throws.config.mjs");
    const result = await runCli(["--config", config, "messenger:stats"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("[ERROR] REDIS_URL is not set\n");

    // The file's own commands are missing then: the unknown command comes with the reason.
    const ownCommand = await runCli(["--config", config, "app:hello", "ada"]);
    expect(ownCommand.code).toBe(2);
    expect(ownCommand.stderr).toContain(
      "[ERROR] The config file could not be loaded, so its commands are missing: REDIS_URL is not set\nerror: unknown command 'app:hello'\n",
    );
  });

  // Node.js strips types from 22.18 on (process.features.typescript); this runtime is Node 20.
  const stripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);

  it.runIf(!stripsTypes)(
    "explains that this Node.js cannot load a .ts config, naming its version",
    async () => {
      const config = fixture("standalone-typescript.config.ts");
      const result = await runCli(["--config", config, "messenger:stats"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `[ERROR] Cannot load "${config}": this Node.js (${process.version}) does not run TypeScript; use Node.js 22.18 or later, or a .js/.mjs config.\n`,
      );
    },
  );

  it.runIf(stripsTypes)("loads a .ts config on a Node.js that strips types", async () => {
    const result = await runCli(["--config", fixture("standalone-typescript.config.ts"), "messenger:stats"]);
    expect(result.code).toBe(0);
    expect(transportsOf(result.stdout)).toEqual(["from_typescript"]);
  });
});

describe("a DSN's password on an error path", { timeout: CHILD_TIMEOUT }, () => {
  const config = fixture("standalone-secret.config.mjs");

  it.each([
    ["messenger:stats"],
    ["messenger:stats", "-vvv"],
    ["messenger:setup-transports", "-v"],
    ["messenger:setup-transports", "-vvv"],
  ])("is not printed by %s %s when PostgreSQL is unreachable", async (...args) => {
    const result = await runCli(["--config", config, ...args]);
    expect(result.code).toBe(1);
    // The command did reach the database and failed there, so the error path was taken.
    expect(result.stderr).toContain("ECONNREFUSED 127.0.0.1:1");
    expect(result.stdout + result.stderr).not.toContain("secret");
  });
});
