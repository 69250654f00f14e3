import { execFile, execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, probeTcp } from "@messenger-ts/core/testing";

const run = promisify(execFile);

/** The uid and gid of the `rabbitmq` OS user, which the Debian scripts run the broker as. */
function rabbitmqUser(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", "rabbitmq"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "rabbitmq"], { encoding: "utf8" }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

function hasCommand(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A private node needs the server's scripts, root (they switch to the rabbitmq user) and that user. */
export const canStartRabbitMq =
  hasCommand("rabbitmq-server") &&
  hasCommand("rabbitmqctl") &&
  process.getuid?.() === 0 &&
  rabbitmqUser() !== undefined;

/**
 * A RabbitMQ node of the test's own, never the shared broker: its own node name, AMQP and
 * distribution ports, data and log directories and configuration (loopback listener, no plugins),
 * started with `rabbitmq-server -detached`. `stop()` and `start()` are `rabbitmqctl stop_app` and
 * `start_app`: the node keeps durable queues and persistent messages across them.
 */
export class PrivateRabbitMq {
  readonly node = `mt-amqp-${process.pid}@localhost`;
  readonly dir = mkdtempSync(join(tmpdir(), "mt-rabbitmq-"));
  port = 0;
  #env: NodeJS.ProcessEnv = {};

  /** Starts the node and waits for its AMQP port. */
  async boot(): Promise<void> {
    this.port = await freePort();
    const distPort = await freePort();
    writeFileSync(join(this.dir, "enabled_plugins"), "[].\n");
    writeFileSync(join(this.dir, "rabbitmq.conf"), `listeners.tcp.default = 127.0.0.1:${this.port}\n`);
    const user = rabbitmqUser()!;
    // The scripts run the node as the rabbitmq user: it must own its directory.
    chownSync(this.dir, user.uid, user.gid);
    for (const file of ["enabled_plugins", "rabbitmq.conf"])
      chownSync(join(this.dir, file), user.uid, user.gid);
    this.#env = {
      ...process.env,
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(this.dir, "mnesia"),
      RABBITMQ_LOG_BASE: join(this.dir, "log"),
      RABBITMQ_PID_FILE: join(this.dir, "pid"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, "enabled_plugins"),
      RABBITMQ_CONFIG_FILE: join(this.dir, "rabbitmq.conf"),
    };
    await run("rabbitmq-server", ["-detached"], { env: this.#env });
    await this.#waitForPort(120_000);
  }

  async #waitForPort(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await probeTcp({ host: "127.0.0.1", port: this.port }, 500)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the private RabbitMQ node ${this.node} did not open port ${this.port}`);
  }

  /** `rabbitmqctl stop_app`: the broker closes every connection and stops listening. */
  async stop(): Promise<void> {
    await run("rabbitmqctl", ["-n", this.node, "stop_app"], { env: this.#env });
  }

  /** `rabbitmqctl start_app`, then waits for the AMQP port. */
  async start(): Promise<void> {
    await run("rabbitmqctl", ["-n", this.node, "start_app"], { env: this.#env });
    await this.#waitForPort(60_000);
  }

  /** Kills the node (its pid file) and removes its directory. */
  destroy(): void {
    try {
      process.kill(Number(readFileSync(join(this.dir, "pid"), "utf8").trim()), "SIGKILL");
    } catch {
      // not started, or gone already
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
