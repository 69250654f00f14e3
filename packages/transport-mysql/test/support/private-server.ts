import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, probeTcp } from "@messenger-ts/core/testing";
import { eventually } from "./mysql.js";

const SERVER = "/usr/sbin/mariadbd";
const INSTALL_DB = "mariadb-install-db";

/** Whether this machine can start MariaDB servers of its own (Debian's mariadb-server). */
export function canStartServers(): boolean {
  // Looked up on PATH, never run: without arguments it would set up the default data directory.
  return (
    existsSync(SERVER) &&
    spawnSync("sh", ["-c", `command -v ${INSTALL_DB}`], { stdio: "ignore" }).status === 0
  );
}

/**
 * A MariaDB server of the test's own (mariadb-install-db into a temporary directory, a spare
 * port, `root` without a password over TCP), which a test may stop and start again: never the
 * shared server. Under root it runs as the `mysql` OS user, as mariadbd refuses root.
 */
export class PrivateMariadbServer {
  readonly dir = mkdtempSync(join(tmpdir(), "mt-mariadb-"));
  readonly #data = join(this.dir, "data");
  readonly #user: string[];
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {
    const asRoot = process.getuid?.() === 0;
    this.#user = asRoot ? ["--user=mysql"] : [];
    if (asRoot) {
      const uid = Number(spawnSync("id", ["-u", "mysql"], { encoding: "utf8" }).stdout.trim());
      const gid = Number(spawnSync("id", ["-g", "mysql"], { encoding: "utf8" }).stdout.trim());
      if (!Number.isInteger(uid)) throw new Error("running as root, but there is no mysql OS user");
      chownSync(this.dir, uid, gid);
    }
    const installed = spawnSync(
      INSTALL_DB,
      [
        "--no-defaults",
        `--datadir=${this.#data}`,
        ...this.#user,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
      ],
      { encoding: "utf8" },
    );
    if (installed.status !== 0) {
      throw new Error(`${INSTALL_DB} failed (${installed.status}): ${installed.stdout}${installed.stderr}`);
    }
  }

  /** Creates the data directory on a spare port and starts the server. */
  static async create(): Promise<PrivateMariadbServer> {
    const server = new PrivateMariadbServer(await freePort());
    await server.start();
    return server;
  }

  /** `mysql://root@127.0.0.1:<port>/<database>` */
  url(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    if (this.#child) return;
    // No binary log, and the redo log written at each commit but synced once a second: a clean
    // stop keeps every committed row, and the tests run faster on a shared disk.
    this.#child = spawn(
      SERVER,
      [
        "--no-defaults",
        `--datadir=${this.#data}`,
        `--socket=${join(this.dir, "sock")}`,
        `--pid-file=${join(this.dir, "pid")}`,
        `--log-error=${join(this.dir, "error.log")}`,
        `--port=${this.port}`,
        "--bind-address=127.0.0.1",
        ...this.#user,
        "--skip-log-bin",
        "--innodb-flush-log-at-trx-commit=2",
        "--innodb-buffer-pool-size=64M",
        "--max-connections=300",
      ],
      { stdio: "ignore" },
    );
    if (!(await eventually(() => probeTcp({ host: "127.0.0.1", port: this.port }, 500), 60_000))) {
      throw new Error(`mariadbd did not accept connections on port ${this.port} (see ${this.dir}/error.log)`);
    }
  }

  /** Shuts the server down cleanly (SIGTERM) and waits for it to exit: clients lose their connections. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }

  /** Stops the server if it runs and removes its directory. */
  async destroy(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
