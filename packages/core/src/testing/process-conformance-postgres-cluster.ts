import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The directory holding `initdb` and `pg_ctl`: `pg_config --bindir` when it has them, else the
 * newest /usr/lib/postgresql/<version>/bin (Debian keeps the server binaries off PATH), else
 * undefined.
 */
export function findPostgresBinaries(): string | undefined {
  const candidates: string[] = [];
  const config = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (config.status === 0) candidates.push(config.stdout.trim());
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, "bin")));
  }
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
}

/** How a {@link PrivatePostgresCluster} is created. */
export interface PrivatePostgresClusterOptions {
  /**
   * The password of the `postgres` role: every login must then give it (scram-sha-256), as the
   * shared test server, which trusts every login, cannot. Without it: trust authentication.
   */
  readonly password?: string;
}

/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary directory, a port of its own),
 * which a test may stop and start again: never the shared server. Trust authentication for the
 * `postgres` role, database `postgres`, unless a password is given. When the tests run as root,
 * the cluster is created and run as the `postgres` OS user, since initdb and postgres refuse root.
 */
export class PrivatePostgresCluster {
  readonly dir: string;
  readonly #data: string;
  readonly #run: (command: string, args: readonly string[]) => string[];
  #started = false;

  /**
   * Creates the cluster (initdb); `start()` runs it. Throws when the binaries are missing: ask
   * {@link findPostgresBinaries} first.
   */
  constructor(
    readonly port: number,
    readonly bin: string = findPostgresBinaries() ?? "",
    readonly options: PrivatePostgresClusterOptions = {},
  ) {
    if (!bin) throw new Error("no PostgreSQL server binaries (initdb, pg_ctl) on this machine");
    this.dir = mkdtempSync(join(tmpdir(), "mt-postgres-"));
    this.#data = join(this.dir, "data");
    const asRoot = process.getuid?.() === 0;
    let owner: { uid: number; gid: number } | undefined;
    if (asRoot) {
      const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
      const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
      if (!Number.isInteger(uid)) throw new Error("running as root, but there is no postgres OS user");
      owner = { uid, gid };
      chownSync(this.dir, uid, gid);
    }
    this.#run = (command, args) =>
      asRoot
        ? ["runuser", "-u", "postgres", "--", join(bin, command), ...args]
        : [join(bin, command), ...args];
    const passwordFile = join(this.dir, "password");
    if (options.password !== undefined) {
      // initdb reads the password from a file (never the command line, which `ps` shows); the
      // server user must be able to read it.
      writeFileSync(passwordFile, options.password, { mode: 0o600 });
      if (owner) chownSync(passwordFile, owner.uid, owner.gid);
    }
    const auth =
      options.password === undefined ? ["-A", "trust"] : ["-A", "scram-sha-256", `--pwfile=${passwordFile}`];
    try {
      this.#exec(
        this.#run("initdb", ["-D", this.#data, "-U", "postgres", ...auth, "--no-sync", "-E", "UTF8"]),
      );
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  /** `postgres://postgres[:<password>]@127.0.0.1:<port>/postgres` */
  get url(): string {
    const password =
      this.options.password === undefined ? "" : `:${encodeURIComponent(this.options.password)}`;
    return `postgres://postgres${password}@127.0.0.1:${this.port}/postgres`;
  }

  get running(): boolean {
    return this.#started;
  }

  /** Starts the server and waits until it accepts connections. */
  start(): void {
    // No fsync: a clean or immediate stop keeps every committed row (the OS keeps the pages).
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
    this.#exec(
      this.#run("pg_ctl", [
        "start",
        "-w",
        "-t",
        "30",
        "-D",
        this.#data,
        "-l",
        join(this.dir, "log"),
        "-o",
        options,
      ]),
    );
    this.#started = true;
  }

  /** Stops the server: `fast` disconnects every client and shuts down cleanly; `immediate` crashes it. */
  stop(mode: "fast" | "immediate" = "fast"): void {
    this.#exec(this.#run("pg_ctl", ["stop", "-w", "-t", "30", "-m", mode, "-D", this.#data]));
    this.#started = false;
  }

  /** `pg_ctl restart -m fast`: clients are disconnected, the server is back when it returns. */
  restart(): void {
    this.stop("fast");
    this.start();
  }

  /** Stops the server if it runs and removes its directory. */
  destroy(): void {
    if (this.#started) {
      try {
        this.stop("immediate");
      } catch {
        // already gone: remove the files anyway
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  #exec(argv: readonly string[]): void {
    const result = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", cwd: this.dir });
    if (result.status !== 0) {
      throw new Error(`${argv.join(" ")} failed (${result.status}): ${result.stdout}${result.stderr}`);
    }
  }
}
