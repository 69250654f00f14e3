// The worker process of the side-by-side scenarios: `node worker.js '<WorkerConfig JSON>'`.
// It consumes one system's queue and reports over the IPC channel until the runner says "stop".
import "reflect-metadata";
import { systemByName } from "../systems/index.js";
import { consume, type SampledConsumer } from "./consume.js";
import type { WorkerCommand, WorkerConfig, WorkerEvent } from "./protocol.js";

/** The last message handed to IPC: they go out in order, so once it is out, all are. */
let lastSent: Promise<void> = Promise.resolve();

function send(event: WorkerEvent): void {
  lastSent = new Promise((resolve) => process.send!(event, undefined, {}, () => resolve()));
}

async function exit(code: number): Promise<never> {
  await lastSent;
  process.exit(code);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error("worker.js runs as a child process of the bench (IPC channel needed).");
  const config = JSON.parse(process.argv[2] ?? "") as WorkerConfig;
  // The runner is gone (crashed or interrupted): do not linger holding connections.
  process.on("disconnect", () => process.exit(1));
  let consumer: SampledConsumer | undefined;
  let go: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    go = resolve;
  });
  process.on("message", async (command: WorkerCommand) => {
    if (command.type === "go") return go();
    if (command.type === "sample") return consumer?.sample();
    if (command.type !== "stop") return;
    try {
      await consumer?.stop();
    } catch (error) {
      send({ type: "error", message: `stop failed: ${(error as Error).message}` });
    }
    await exit(0);
  });
  if (config.waitForGo) {
    // The library is loaded before "go", so what follows it is the connect and the first claims.
    await systemByName(config.system).preload?.();
    send({ type: "loaded" });
    await started;
  }
  consumer = await consume(config, send);
}

main().catch(async (error: unknown) => {
  if (process.send) send({ type: "error", message: (error as Error).stack ?? String(error) });
  else console.error(error);
  await exit(1);
});
