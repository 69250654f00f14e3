import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A PostgreSQL cluster of the test's own, started on a spare port; `stop()` removes it. */
export interface PasswordCluster {
  readonly port: number;
  /** The superuser `postgres`, whose password is the one given to `startPasswordCluster`. */
  readonly user: string;
  stop(): void;
}

/** PostgreSQL refuses to run as root: there, its commands run as the `postgres` OS user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

function run(command: string, args: string[]): void {
  const [file, argv] = asServerUser(command, args);
  execFileSync(file, argv, { stdio: "pipe" });
}

async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The shared test server trusts every login, so it cannot refuse a wrong password. This one asks
 * every login for its password (scram-sha-256). Returns why not when the PostgreSQL server
 * binaries (`initdb`, `pg_ctl`) are not on PATH.
 */
export async function startPasswordCluster(password: string): Promise<PasswordCluster | string> {
  try {
    execFileSync("initdb", ["--version"], { stdio: "pipe" });
  } catch {
    return "initdb is not on PATH (PostgreSQL server binaries needed)";
  }
  const dir = mkdtempSync(join(tmpdir(), "mt-pg-password-"));
  const data = join(dir, "data");
  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, password);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
    chownSync(passwordFile, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await sparePort();
  run("initdb", ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${passwordFile}`]);
  run("pg_ctl", [
    "-D",
    data,
    "-w",
    "-l",
    join(dir, "log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
    "start",
  ]);
  return {
    port,
    user: "postgres",
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
