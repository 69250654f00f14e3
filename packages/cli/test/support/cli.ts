import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { requireService, ScriptProcess } from "@messenger-ts/core/testing";
import pg from "pg";

export const BIN = fileURLToPath(new URL("../../bin/messenger.js", import.meta.url));
export const FIXTURE_CONFIG = fileURLToPath(new URL("../fixtures/messenger.config.mjs", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

export const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

/** Skips loudly locally, fails under CI=true, when PostgreSQL is down. */
export const pgUp = await requireService("PostgreSQL", { host: PG.host, port: PG.port });

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Where one test file's console runs: its own PostgreSQL schema or SQLite file, passed to the
 * fixture config through the environment. `dispose()` drops it.
 */
export class CliBackend {
  readonly env: Record<string, string>;
  readonly #dir: string;
  readonly #schema: string;

  constructor(
    readonly backend: "postgres" | "sqlite",
    name: string,
  ) {
    this.#dir = mkdtempSync(join(tmpdir(), `messenger-cli-${name}-`));
    this.#schema = `mt_cli_${name}_${process.pid}`;
    this.env = {
      CLI_TEST_BACKEND: backend,
      CLI_TEST_SCHEMA: this.#schema,
      CLI_TEST_SQLITE: join(this.#dir, "queues.sqlite"),
    };
  }

  /** Runs `messenger <args>` with the fixture config and waits for it to exit. */
  run(
    args: readonly string[],
    options: { env?: Record<string, string>; input?: string } = {},
  ): Promise<CliResult> {
    return runCli(["--config", FIXTURE_CONFIG, ...args], {
      ...options,
      env: { ...this.env, ...options.env },
    });
  }

  /** Starts `messenger <args>` with the fixture config; for long-running commands such as consume. */
  start(args: readonly string[]): ScriptProcess {
    return new ScriptProcess(BIN, ["--config", FIXTURE_CONFIG, ...args], { cwd: PACKAGE_DIR, env: this.env });
  }

  async dispose(): Promise<void> {
    rmSync(this.#dir, { recursive: true, force: true });
    if (this.backend === "postgres") {
      const client = new pg.Client(PG);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${this.#schema}" CASCADE`);
      } finally {
        await client.end();
      }
    }
  }
}

/** Runs the `messenger` bin as a child process; stdin gets `input` (or nothing). */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? PACKAGE_DIR,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
