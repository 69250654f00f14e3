import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { stopOnSignals } from "../../src/index.js";

const script = fileURLToPath(new URL("../fixtures/signal-worker.mjs", import.meta.url));

function startWorker(handlerMs: number) {
  const child = spawn(process.execPath, [script, String(handlerMs)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += String(chunk);
  });
  child.stderr!.on("data", (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = async (text: string) => {
    for (let i = 0; i < 500 && !output.includes(text); i++) await new Promise((r) => setTimeout(r, 10));
    if (!output.includes(text)) throw new Error(`child never printed "${text}"; output: ${output}`);
  };
  return { child, exited, waitFor, output: () => output };
}

function kill(child: ChildProcess, signal: NodeJS.Signals) {
  expect(child.kill(signal)).toBe(true);
}

describe("signals (a real worker process)", () => {
  it("SIGTERM mid-handler: finishes and acks the message in hand, fetches nothing more, exits 0", async () => {
    const worker = startWorker(400);
    await worker.waitFor("started 1");
    kill(worker.child, "SIGTERM");
    expect(await worker.exited).toBe(0);
    const lines = worker.output().trim().split("\n");
    expect(lines).toEqual(["started 1", "finished 1", "acked 1", "worker stopped"]);
  });

  it("a second signal aborts: the message in hand is neither acked nor rejected", async () => {
    const worker = startWorker(10_000);
    await worker.waitFor("started 1");
    kill(worker.child, "SIGINT");
    await new Promise((r) => setTimeout(r, 50));
    kill(worker.child, "SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.output()).not.toMatch(/acked|rejected|finished/);
    expect(worker.output()).toContain("worker stopped");
  });
});

describe("stopOnSignals", () => {
  it("stops on the first signal, aborts on the second or when the grace period ends, and can be removed", () => {
    vi.useFakeTimers();
    const handlers = new Map<string, (signal: NodeJS.Signals) => void>();
    const proc = {
      on: (signal: string, fn: (s: NodeJS.Signals) => void) => void handlers.set(signal, fn),
      off: (signal: string) => void handlers.delete(signal),
    };
    const worker = { stop: vi.fn(), abort: vi.fn() };
    const remove = stopOnSignals(worker, { process: proc as never, gracePeriod: 1_000 });
    handlers.get("SIGTERM")!("SIGTERM");
    expect(worker.stop).toHaveBeenCalledTimes(1);
    expect(worker.abort).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(worker.abort).toHaveBeenCalledTimes(1);
    handlers.get("SIGINT")!("SIGINT");
    expect(worker.abort).toHaveBeenCalledTimes(2);
    remove();
    expect(handlers.size).toBe(0);
    vi.useRealTimers();
  });
});
