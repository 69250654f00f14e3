import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@messenger-ts/core/testing";
import { waitFor } from "./wait-for.js";

/**
 * Whether Debian's `prometheus` binary is here. Without it the tests that need it are skipped with
 * a warning, except under CI=true, where scripts/services.sh installs it and its absence is an error.
 */
export function prometheusAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  const found = spawnSync("prometheus", ["--version"], { stdio: "ignore" }).status === 0;
  if (found) return true;
  if (env.CI === "true" || env.CI === "1") {
    throw new Error("The prometheus binary is not on PATH, and CI=true: the Prometheus tests must run.");
  }
  console.warn(
    "\n!!! prometheus is not on PATH (apt-get install prometheus): SKIPPING the Prometheus tests. !!!\n",
  );
  return false;
}

/** A private Prometheus server: its own config, storage and loopback port, in a temp dir. */
export interface PrometheusServer {
  readonly url: string;
  /** The value of an instant query that returns one sample, or undefined when it returns none. */
  query(expression: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** Starts `prometheus` scraping `targets` (host:port, path /metrics) every second; waits until it is ready. */
export async function startPrometheus(targets: readonly string[]): Promise<PrometheusServer> {
  const directory = mkdtempSync(join(tmpdir(), "messenger-prometheus-"));
  const port = await freePort();
  const config = join(directory, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: leadgen",
      "    metrics_path: /metrics",
      "    static_configs:",
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(", ")}]`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(directory, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = once(child, "exit");
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true, 20_000);
  } catch (error) {
    await stop();
    throw new Error(`prometheus did not become ready on ${url}: ${log}`, { cause: error });
  }
  return {
    url,
    async query(expression) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { result: { value: [number, string] }[] };
      };
      if (body.status !== "success") throw new Error(`query ${expression} failed: ${body.error}`);
      const [first] = body.data?.result ?? [];
      return first === undefined ? undefined : Number(first.value[1]);
    },
    stop,
  };
}
