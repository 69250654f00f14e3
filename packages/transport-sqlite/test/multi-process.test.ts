import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DelayStamp, Envelope } from "@messenger-ts/core";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteTransport } from "../src/index.js";
import { Job } from "./support/messages.js";
import { useTempDir } from "./support/temp-dir.js";

const script = fileURLToPath(new URL("./fixtures/sqlite-worker.mjs", import.meta.url));
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const temp = useTempDir();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface WorkerEvent {
  readonly event: string;
  readonly pid: number;
  readonly at: number;
  readonly n?: number;
}

/** One worker process (test/fixtures/sqlite-worker.mjs) and what it printed. */
class WorkerProcess {
  readonly events: WorkerEvent[] = [];
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;
  #stderr = "";
  #listeners = new Set<() => void>();

  constructor(config: { file: string; redeliverTimeout?: number; sleep?: number; handlerMs?: number }) {
    this.#child = spawn(process.execPath, [script, JSON.stringify(config)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffer = "";
    this.#child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        this.events.push(JSON.parse(buffer.slice(0, nl)) as WorkerEvent);
        buffer = buffer.slice(nl + 1);
        for (const listener of this.#listeners) listener();
      }
    });
    this.#child.stderr!.on("data", (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.#child.once("exit", (code) => resolve(code)));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** The first event matching, waiting for it up to `timeoutMs`. */
  waitFor(match: (event: WorkerEvent) => boolean, timeoutMs: number, what = "event"): Promise<WorkerEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(match);
        if (!found) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`worker ${this.pid}: no ${what} within ${timeoutMs} ms; stderr: ${this.#stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  handled(n: number): WorkerEvent[] {
    return this.events.filter((e) => e.event === "started" && e.n === n);
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }
}

const running = new Set<WorkerProcess>();
const ready = (e: WorkerEvent) => e.event === "ready";
const started = (n: number) => (e: WorkerEvent) => e.event === "started" && e.n === n;
const finished = (n: number) => (e: WorkerEvent) => e.event === "finished" && e.n === n;

/** A file with the results table the workers write to, and a transport that sends to their queue. */
function prepare(name: string, redeliverTimeoutSeconds?: number) {
  const file = temp(name);
  const db = new Database(file);
  db.exec("CREATE TABLE results (n INTEGER NOT NULL, pid INTEGER NOT NULL, at INTEGER NOT NULL)");
  db.close();
  const producer = new SqliteTransport({
    path: file,
    queueName: "jobs",
    redeliveryTimeout: redeliverTimeoutSeconds === undefined ? undefined : redeliverTimeoutSeconds * 1000,
  });
  const results = (n?: number) =>
    producer.database
      .prepare(`SELECT n, pid FROM results ${n === undefined ? "" : "WHERE n = ?"} ORDER BY n`)
      .all(...(n === undefined ? [] : [n])) as { n: number; pid: number }[];
  return { file, producer, results };
}

afterAll(async () => {
  // Only the processes this file started, by their handles.
  for (const worker of running) worker.kill("SIGKILL");
});

if (!existsSync(dist)) {
  throw new Error(
    `${dist} is missing: build @messenger-ts/transport-sqlite first, the worker processes load dist`,
  );
}

describe("several worker processes on one file", () => {
  it("four workers drain 3000 messages, each handled exactly once", async () => {
    const { file, producer, results } = prepare("drain.sqlite");
    // The workers race to set the table up: setup must be safe to run at once.
    const workers = [1, 2, 3, 4].map(() => new WorkerProcess({ file, sleep: 50 }));
    await Promise.all(workers.map((w) => w.waitFor(ready, 20_000, "ready")));
    const total = 3_000;
    for (let from = 1; from <= total; from += 500) {
      await producer.sendMany(Array.from({ length: 500 }, (_, i) => Envelope.wrap(new Job(from + i))));
    }
    const deadline = Date.now() + 45_000;
    while ((await producer.all(1)).length > 0 && Date.now() < deadline) await sleep(100);
    expect(await producer.all(1), "every message acknowledged").toEqual([]);
    // messenger:stop-workers through the file: every worker started before now stops.
    await producer.requestRestart(Date.now());
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
    const handled = results();
    const counted = new Map<number, number>();
    for (const { n } of handled) counted.set(n, (counted.get(n) ?? 0) + 1);
    const twice = [...counted].filter(([, times]) => times > 1).map(([n]) => n);
    expect(twice, "handled more than once").toEqual([]);
    expect(counted.size).toBe(total);
    expect(new Set(handled.map((r) => r.pid)).size, "the work was shared").toBeGreaterThan(1);
    await producer.close();
  }, 60_000);

  // redeliver_timeout is shortened to 2 s here (30 s by default) to keep the test fast.
  it("keepalive protects a long handler; a killed worker's message is handled by another after the timeout", async () => {
    const { file, producer, results } = prepare("crash.sqlite", 2);
    const config = { file, redeliverTimeout: 2, sleep: 50 };

    // A 5 s handler with a 2 s redelivery timeout, while another worker polls the same queue.
    const slow = new WorkerProcess({ ...config, handlerMs: 5_000 });
    await slow.waitFor(ready, 20_000, "ready");
    await producer.send(Envelope.wrap(new Job(1)));
    await slow.waitFor(started(1), 10_000, "start of job 1");
    const other = new WorkerProcess(config);
    await other.waitFor(ready, 20_000, "ready");
    await slow.waitFor(finished(1), 15_000, "end of job 1");
    expect(other.handled(1), "kept alive: not delivered again").toEqual([]);
    expect(results(1)).toEqual([{ n: 1, pid: slow.pid }]);
    other.kill("SIGTERM");
    expect(await other.exited).toBe(0);

    // The slow worker claims job 2 and dies; a new worker gets the job once the claim expires.
    await producer.send(Envelope.wrap(new Job(2)));
    const claimed = await slow.waitFor(started(2), 10_000, "start of job 2");
    slow.kill("SIGKILL");
    await slow.exited;
    const rescuer = new WorkerProcess(config);
    const rescued = await rescuer.waitFor(finished(2), 20_000, "end of job 2");
    const startedAgain = rescuer.handled(2)[0]!;
    expect(startedAgain.at - claimed.at, "not before the redelivery timeout").toBeGreaterThanOrEqual(1_900);
    expect(rescued.at - claimed.at).toBeLessThan(15_000);
    expect(results(2)).toEqual([{ n: 2, pid: rescuer.pid }]);
    rescuer.kill("SIGTERM");
    expect(await rescuer.exited).toBe(0);
    await producer.close();
  }, 60_000);

  it("an idle worker with a 30 s sleep handles a message from another process at once, a delayed one when due", async () => {
    const { file, producer } = prepare("idle.sqlite");
    const worker = new WorkerProcess({ file, sleep: 30_000 });
    await worker.waitFor(ready, 20_000, "ready");
    await sleep(800); // long enough for its polling to back off to the longest pause
    const sentAt = Date.now();
    await producer.send(Envelope.wrap(new Job(1)));
    const done = await worker.waitFor(finished(1), 20_000, "end of job 1");
    expect(done.at - sentAt, "woken long before its 30 s sleep ends").toBeLessThan(5_000);

    const delayedAt = Date.now();
    await producer.send(Envelope.wrap(new Job(2), [new DelayStamp(1_500)]));
    const due = await worker.waitFor(started(2), 20_000, "start of job 2");
    expect(due.at - delayedAt, "not before its due time").toBeGreaterThanOrEqual(1_500);
    expect(due.at - delayedAt, "at its due time, not after the sleep").toBeLessThan(4_500);
    worker.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    await producer.close();
  }, 60_000);
});
