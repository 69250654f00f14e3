import { type ChildProcess, fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { consume } from "./workers/consume.js";
import type { WorkerCommand, WorkerConfig, WorkerEvent } from "./workers/protocol.js";

const WORKER_ENTRY = fileURLToPath(new URL("./workers/worker.js", import.meta.url));

/** A running worker as the runner sees it: the events it reported, and a way to stop it. */
export class WorkerHandle {
  readonly events: WorkerEvent[] = [];
  readonly #emitter = new EventEmitter();
  #stop: () => Promise<void>;
  #askSample: () => void;
  #go: () => void;

  private constructor() {
    this.#stop = async () => {};
    this.#askSample = () => {};
    this.#go = () => {};
  }

  /** Starts a worker (a child process, or in this process for in-process systems) and waits until it is consuming. */
  static async start(
    config: WorkerConfig,
    inProcess: boolean,
    startTimeoutMs = 30_000,
  ): Promise<WorkerHandle> {
    const handle = new WorkerHandle();
    const receive = (event: WorkerEvent) => {
      handle.events.push(event);
      handle.#emitter.emit("event", event);
    };
    if (inProcess) {
      const consumer = await consume(config, receive);
      handle.#stop = () => consumer.stop();
      handle.#askSample = () => consumer.sample();
    } else {
      const child: ChildProcess = fork(WORKER_ENTRY, [JSON.stringify(config)], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      child.on("message", (event: WorkerEvent) => receive(event));
      let stopping = false;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.once("exit", (code, signal) => {
        if (!stopping)
          receive({ type: "error", message: `worker process exited (${signal ?? `code ${code}`})` });
      });
      handle.#askSample = () => {
        if (child.connected) child.send({ type: "sample" } satisfies WorkerCommand);
      };
      handle.#go = () => {
        if (child.connected) child.send({ type: "go" } satisfies WorkerCommand);
      };
      handle.#stop = async () => {
        stopping = true;
        if (child.exitCode === null && child.signalCode === null) {
          child.send({ type: "stop" } satisfies WorkerCommand);
          const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
          await exited;
          clearTimeout(timer);
        }
      };
    }
    // With waitForGo the worker is "loaded" and consumes only after go() (child processes only).
    const awaited = config.waitForGo && !inProcess ? "loaded" : "ready";
    const ready = await handle.until((e) => e.type === awaited || e.type === "error", startTimeoutMs);
    if (ready?.type !== awaited) {
      await handle.stop();
      throw new Error(
        ready?.type === "error" ? `worker failed to start: ${ready.message}` : "worker did not start in time",
      );
    }
    return handle;
  }

  /** The first event (already received or still to come) that matches, or undefined after the timeout. */
  until(match: (event: WorkerEvent) => boolean, timeoutMs: number): Promise<WorkerEvent | undefined> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const listener = (event: WorkerEvent) => {
        if (!match(event)) return;
        clearTimeout(timer);
        this.#emitter.off("event", listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.#emitter.off("event", listener);
        resolve(undefined);
      }, timeoutMs);
      this.#emitter.on("event", listener);
    });
  }

  /** A worker started with `waitForGo`: start consuming now; resolves when it is consuming. */
  async go(timeoutMs = 30_000): Promise<void> {
    this.#go();
    const ready = await this.until((e) => e.type === "ready" || e.type === "error", timeoutMs);
    if (ready?.type !== "ready")
      throw new Error(
        ready?.type === "error" ? `worker failed to start: ${ready.message}` : "worker did not start in time",
      );
  }

  /** Asks the worker for its memory, CPU time and handler calls now; undefined if it did not answer in time. */
  sample(timeoutMs = 10_000): Promise<Extract<WorkerEvent, { type: "sample" }> | undefined> {
    return new Promise((resolve) => {
      const listener = (event: WorkerEvent) => {
        if (event.type !== "sample") return;
        clearTimeout(timer);
        this.#emitter.off("event", listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.#emitter.off("event", listener);
        resolve(undefined);
      }, timeoutMs);
      this.#emitter.on("event", listener);
      this.#askSample();
    });
  }

  /** The first error the worker reported, if any. */
  get error(): string | undefined {
    const event = this.events.find((e) => e.type === "error");
    return event?.type === "error" ? event.message : undefined;
  }

  async stop(): Promise<void> {
    const stop = this.#stop;
    this.#stop = async () => {};
    await stop();
  }
}
