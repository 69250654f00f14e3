import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@messenger-ts/core/testing";
import { Redis } from "ioredis";
import { eventually } from "./redis.js";

/** Whether this machine can start Redis servers of its own (Debian's redis-server and redis-cli). */
export const canStartServers =
  spawnSync("redis-server", ["--version"]).status === 0 && spawnSync("redis-cli", ["--version"]).status === 0;

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Redis servers started for one test file, in a temporary directory, without persistence; all
 * killed and removed by `stop()`.
 */
export class RedisServers {
  readonly dir = mkdtempSync(join(tmpdir(), "mt-redis-"));
  readonly #children: ChildProcess[] = [];

  /** Starts `redis-server <args>` on `port` and waits until it answers PING. */
  async start(port: number, args: readonly string[] = [], config?: string): Promise<ChildProcess> {
    const argv = [
      ...(config ? [this.#write(`redis-${port}.conf`, config)] : []),
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      this.dir,
      ...args,
    ];
    const child = spawn("redis-server", argv, { stdio: "ignore", cwd: this.dir });
    this.#children.push(child);
    if (!(await eventually(() => answers(port), 10_000, 50))) {
      throw new Error(`redis-server ${argv.join(" ")} did not answer on port ${port}`);
    }
    return child;
  }

  /** Three masters, no replicas, all 16384 slots assigned. Returns their ports. */
  async startCluster(): Promise<number[]> {
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) {
      await this.start(port, ["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`]);
    }
    const created = spawnSync(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...ports.map((p) => `127.0.0.1:${p}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { encoding: "utf8" },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const ready = await eventually(
      () =>
        spawnSync("redis-cli", ["-p", String(ports[0]), "cluster", "info"], {
          encoding: "utf8",
        }).stdout.includes("cluster_state:ok"),
      10_000,
      100,
    );
    if (!ready) throw new Error("the cluster did not reach cluster_state:ok");
    return ports;
  }

  /** A master and one Sentinel watching it as `name`. Returns the Sentinel's port. */
  async startSentinel(name: string): Promise<{ master: number; sentinel: number }> {
    const master = await freePort();
    const sentinel = await freePort();
    await this.start(master);
    await this.start(sentinel, ["--sentinel"], `sentinel monitor ${name} 127.0.0.1 ${master} 1\n`);
    return { master, sentinel };
  }

  stop(): void {
    for (const child of this.#children) child.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }

  #write(file: string, text: string): string {
    const path = join(this.dir, file);
    writeFileSync(path, text);
    return path;
  }
}
