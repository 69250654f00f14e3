// The console kernel in process, with string writers: exit codes, verbosity, quiet, decoration,
// interaction and the application's lifecycle, where a child process would only add noise.
import { createMessenger, MessengerError } from "@messenger-ts/core";
import { InMemoryTransportFactory } from "@messenger-ts/transport-memory";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConsoleApplication } from "../src/application/console-application.js";
import { type ConsoleCommand, defineCommand } from "../src/console/console-command.js";
import { ConsoleKernel, type ConsoleKernelOptions } from "../src/console/console-kernel.js";
import { positiveInteger } from "../src/console/option-parsers.js";
import { UsageError } from "../src/console/usage-error.js";

class StringWriter {
  text = "";
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** Runs one kernel over `argv`; returns its exit code and both streams. */
async function run(
  argv: readonly string[],
  commands: readonly ConsoleCommand<any>[],
  options: Omit<ConsoleKernelOptions, "commands" | "stdout" | "stderr"> & { tty?: boolean } = {},
) {
  const stdout = new StringWriter(options.tty);
  const stderr = new StringWriter(options.tty);
  const kernel = new ConsoleKernel({ interactive: false, ...options, commands, stdout, stderr });
  const code = await kernel.run(argv);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Prints what it saw: its verbosity, the interaction flag, and one of each kind of output. */
const report = defineCommand({
  name: "test:report",
  description: "Prints one of each kind of output",
  async execute(_input, { output, interactive }) {
    output.writeln(`verbosity=${output.verbosity} interactive=${interactive}`);
    output.table(["Name", "Count"], [["alpha", 1]]);
    output.success("done");
    output.note("a note");
    output.comment("a hint");
    if (output.isVerbose) output.writeln("verbose line");
    if (output.isVeryVerbose) output.writeln("very verbose line");
    if (output.isDebug) output.writeln("debug line");
  },
});

const failing = defineCommand<{ usage?: boolean; plain?: boolean }>({
  name: "test:fail",
  description: "Throws",
  configure(command) {
    command.option("--usage", "throw a usage error").option("--plain", "throw a non-Error value");
  },
  async execute(_input, { output }) {
    output.writeln("before the failure");
    if (_input.options.usage) throw new UsageError("You must pass a name.", { code: "NO_NAME" });
    if (_input.options.plain) throw "a plain string";
    throw new MessengerError("SOMETHING_BROKE", "The thing broke.", {
      cause: new Error("socket closed"),
    });
  },
});

const counting = defineCommand<{ times: number }>({
  name: "test:count",
  description: "Counts",
  configure(command) {
    command.argument("<word>", "what to repeat").option("--times <n>", "how many times", positiveInteger, 1);
  },
  async execute({ args, options }, { output }) {
    for (let i = 0; i < options.times; i++) output.writeln(args[0]);
    return options.times > 2 ? 3 : undefined;
  },
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("ConsoleKernel exit codes", () => {
  const commands = [report, failing, counting];

  it("exits 0 for help, on stdout, listing every command", async () => {
    const result = await run(["--help"], commands);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("test:report");
    expect(result.stdout).toContain("test:count");
    expect(result.stderr).toBe("");
    const commandHelp = await run(["test:count", "--help"], commands);
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain("--times <n>");
  });

  it("lists the commands on stdout with exit 0 when run without one, as Symfony's bare console", async () => {
    for (const argv of [[], ["-v"]]) {
      const result = await run(argv, commands);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("test:report");
      expect(result.stderr).toBe("");
    }
  });

  it("exits 2 for an unknown command, an unknown option, a missing argument and a bad value", async () => {
    const unknownCommand = await run(["test:nope"], commands);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain("unknown command 'test:nope'");

    const unknownOption = await run(["test:report", "--bogus"], commands);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--bogus'");

    const missing = await run(["test:count"], commands);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'word'");

    const badValue = await run(["test:count", "x", "--times=0"], commands);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('"0" is not a positive integer.');
    expect(badValue.stdout).toBe("");
  });

  it("exits 1 for a command that throws, printing the message and its code on stderr", async () => {
    const result = await run(["test:fail"], commands);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("before the failure\n");
    expect(result.stderr).toBe("[ERROR] The thing broke. [SOMETHING_BROKE]\n");

    const plain = await run(["test:fail", "--plain"], commands);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe("[ERROR] a plain string\n");
  });

  it("exits 2 for a UsageError thrown by a command", async () => {
    const result = await run(["test:fail", "--usage"], commands);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("[ERROR] You must pass a name.\n");
  });

  it("passes a command's own exit code through", async () => {
    expect((await run(["test:count", "x", "--times", "2"], commands)).code).toBe(0);
    const three = await run(["test:count", "x", "--times", "3"], commands);
    expect(three.code).toBe(3);
    expect(three.stdout).toBe("x\nx\nx\n");
  });

  it("refuses two commands with the same name", () => {
    expect(() => new ConsoleKernel({ commands: [report, report] })).toThrow(
      'Command "test:report" is already registered.',
    );
  });
});

describe("ConsoleKernel verbosity and quiet", () => {
  it("counts -v, -vv, -vvv and repeated --verbose, before or after the command", async () => {
    const verbosity = async (...argv: string[]) =>
      /verbosity=(-?\d)/.exec((await run(argv, [report])).stdout)?.[1];
    expect(await verbosity("test:report")).toBe("0");
    expect(await verbosity("test:report", "-v")).toBe("1");
    expect(await verbosity("-vv", "test:report")).toBe("2");
    expect(await verbosity("test:report", "-vvv")).toBe("3");
    expect(await verbosity("test:report", "-v", "--verbose")).toBe("2");
    expect(await verbosity("-v", "test:report", "-v")).toBe("2");
    // Symfony stops at -vvv.
    expect(await verbosity("test:report", "-vvvv")).toBe("3");

    const debug = await run(["test:report", "-vvv"], [report]);
    expect(debug.stdout).toContain("verbose line\nvery verbose line\ndebug line\n");
    const normal = await run(["test:report"], [report]);
    expect(normal.stdout).not.toContain("verbose line");
  });

  it("-q silences data and status lines but never an error", async () => {
    const quiet = await run(["test:report", "-q"], [report]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr).toBe("");

    const quietVerbose = await run(["-q", "-vvv", "test:report"], [report]);
    expect(quietVerbose.stdout).toBe("");

    const failure = await run(["test:fail", "--quiet"], [failing]);
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe("");
    expect(failure.stderr).toBe("[ERROR] The thing broke. [SOMETHING_BROKE]\n");
  });

  it("shows the cause with -v and the stacks with -vvv", async () => {
    const verbose = await run(["test:fail", "-v"], [failing]);
    expect(verbose.stderr).toBe("[ERROR] The thing broke. [SOMETHING_BROKE]\ncaused by: socket closed\n");

    const debug = await run(["test:fail", "-vvv"], [failing]);
    expect(debug.stderr).toMatch(
      /^\[ERROR\] The thing broke\. \[SOMETHING_BROKE\]\nMessengerError: The thing broke\.\n\s+at /,
    );
    expect(debug.stderr).toMatch(/caused by: Error: socket closed\n\s+at /);
  });

  it("puts data on stdout and status on stderr", async () => {
    const result = await run(["test:report"], [report]);
    expect(result.stdout).toBe("verbosity=0 interactive=false\nName   Count\nalpha  1\n\n");
    expect(result.stderr).toBe("[OK] done\n[NOTE] a note\n// a hint\n");
  });
});

describe("ConsoleKernel: a command's own options and list", () => {
  /** Uses -q for --query, as an application's search command may. */
  const search = defineCommand<{ query?: string; interaction?: string }>({
    name: "test:search",
    description: "Searches",
    configure(command) {
      command.option("-q, --query <text>", "what to search for");
    },
    async execute({ options }, { output }) {
      output.writeln(`query=${options.query} keys=${Object.keys(options).join(",")}`);
      output.success("searched");
    },
  });

  it("gives a flag the command declares to the command, and the rest to the global options", async () => {
    const result = await run(["test:search", "-q", "pizza"], [search]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("query=pizza keys=query\n");
    expect(result.stderr).toContain("searched");
    // --quiet still works after the command name; -q before it is the global one.
    for (const argv of [
      ["test:search", "--quiet", "-q", "pizza"],
      ["-q", "test:search", "--query=pizza"],
    ]) {
      const quiet = await run(argv, [search]);
      expect(quiet.code).toBe(0);
      expect(quiet.stdout).toBe("");
      expect(quiet.stderr).toBe("");
    }
    expect(/verbosity=(\d)/.exec((await run(["test:report", "-n", "-vv"], [report])).stdout)?.[0]).toBe(
      "verbosity=2",
    );
  });

  it("prints with `list` what --help prints, on stdout, exit 0", async () => {
    const list = await run(["list"], [report, search]);
    const help = await run(["--help"], [report, search]);
    expect(list.code).toBe(0);
    expect(list.stderr).toBe("");
    expect(list.stdout).toBe(help.stdout);
    expect(list.stdout).toContain("test:search");
  });
});

describe("ConsoleKernel decoration and interaction", () => {
  it("draws boxed, coloured tables with --ansi and plain columns with --no-ansi", async () => {
    const ansi = await run(["test:report", "--ansi"], [report]);
    expect(ansi.stdout).toContain("┌");
    expect(ansi.stdout).toContain("\u001b[");
    expect(ansi.stderr).toContain("\u001b[");

    const plain = await run(["test:report", "--no-ansi"], [report], { tty: true });
    expect(plain.stdout).not.toContain("┌");
    expect(plain.stdout + plain.stderr).not.toContain("\u001b[");
    expect(plain.stdout).toContain("Name   Count\nalpha  1\n");
  });

  it("decorates by default only on a terminal, and never with NO_COLOR", async () => {
    vi.stubEnv("NO_COLOR", undefined);
    expect((await run(["test:report"], [report], { tty: true })).stdout).toContain("┌");
    expect((await run(["test:report"], [report], { tty: false })).stdout).not.toContain("┌");
    vi.stubEnv("NO_COLOR", "1");
    expect((await run(["test:report"], [report], { tty: true })).stdout).not.toContain("┌");
  });

  it("is interactive only when allowed and not turned off with -n", async () => {
    const interactive = async (allowed: boolean, ...argv: string[]) =>
      /interactive=(\w+)/.exec(
        (await run(["test:report", ...argv], [report], { interactive: allowed })).stdout,
      )?.[1];
    expect(await interactive(true)).toBe("true");
    expect(await interactive(true, "-n")).toBe("false");
    expect(await interactive(true, "--no-interaction")).toBe("false");
    expect(await interactive(false)).toBe("false");
  });
});

describe("ConsoleKernel application lifecycle", () => {
  const usesApp = defineCommand({
    name: "test:transports",
    description: "Lists transports",
    async execute(_input, { output, application }) {
      const first = await application();
      const second = await application();
      output.writeln(`${first === second} ${first.messenger.transportNames.join(",")}`);
    },
  });

  function appFactory(events: string[], closeError?: Error) {
    return () => {
      events.push("built");
      const messenger = createMessenger({
        transports: { jobs: "in-memory://" },
        transportFactories: [new InMemoryTransportFactory()],
      });
      const app: ConsoleApplication = {
        messenger,
        close: async () => {
          events.push("closed");
          await messenger.close();
          if (closeError) throw closeError;
        },
      };
      return app;
    };
  }

  it("builds the application once, on demand, and closes it at the end", async () => {
    const events: string[] = [];
    const result = await run(["test:transports"], [usesApp, report], { application: appFactory(events) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("true jobs\n");
    expect(events).toEqual(["built", "closed"]);

    const notNeeded: string[] = [];
    await run(["test:report"], [usesApp, report], { application: appFactory(notNeeded) });
    await run(["--help"], [usesApp, report], { application: appFactory(notNeeded) });
    expect(notNeeded).toEqual([]);
  });

  it("reports an error while closing as a failure", async () => {
    const events: string[] = [];
    const result = await run(["test:transports"], [usesApp], {
      application: appFactory(events, new Error("pool already ended")),
    });
    expect(events).toEqual(["built", "closed"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("[ERROR] pool already ended\n");
  });

  it("says so when a command needs an application and the console has none", async () => {
    const result = await run(["test:transports"], [usesApp]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      '[ERROR] Command "test:transports" needs an application, and this console has none.\n',
    );
  });

  it("reports an application that fails to build", async () => {
    const result = await run(["test:transports"], [usesApp], {
      application: () => {
        throw new MessengerError("BAD_CONFIG", "The configuration is broken.");
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("[ERROR] The configuration is broken. [BAD_CONFIG]\n");
  });
});
