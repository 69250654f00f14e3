import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createMessenger } from "../config/create-messenger.js";
import type { Messenger } from "../config/messenger.js";
import { Envelope } from "../envelope/envelope.js";
import { isBulkSender } from "../transport/capabilities/bulk-sender.js";
import type { Transport } from "../transport/transport.js";
import type { TransportFactory } from "../transport/transport-factory.js";
import { isTransportPauseStore } from "../worker/transport-pause-store.js";
import { ProcessConformanceJob as Job } from "./conformance-messages.js";
import { ConformanceWorkerProcess } from "./conformance-worker-process.js";
import { HandledLedger } from "./handled-ledger.js";
import type { TransportFactoryModule } from "./process-worker-config.js";

/** What {@link describeWorkerControlsConformance} needs of a transport package. */
export interface WorkerControlsConformanceSetup {
  /** The package's built entry point and factory class, as for the process-level suite. */
  readonly factory: TransportFactoryModule;
  /** Fresh, isolated queues for one test: a DSN per queue name, and the cleanup. */
  queues(test: string): Promise<{ dsn(queue: string): string; cleanup(): Promise<void> | void }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

async function send(transport: Transport, numbers: readonly number[]): Promise<void> {
  const envelopes = numbers.map((n) => Envelope.wrap(new Job(n)));
  if (isBulkSender(transport)) await transport.sendMany(envelopes);
  else for (const envelope of envelopes) await transport.send(envelope);
}

/** `started` / `finished` times of each job, from every worker's output: the time ledger of the test. */
function handlings(workers: readonly ConformanceWorkerProcess[], numbers: ReadonlySet<number>) {
  const started = new Map<number, number>();
  const finished = new Map<number, number>();
  for (const worker of workers) {
    for (const line of worker.matching(/^(started|finished) \d+ \d+$/)) {
      const [what, n, at] = line.split(" ");
      if (!numbers.has(Number(n))) continue;
      (what === "started" ? started : finished).set(Number(n), Number(at));
    }
  }
  return [...started].map(([n, start]) => ({ n, start, end: finished.get(n) ?? Number.POSITIVE_INFINITY }));
}

/** The most handlings in progress at one instant; one that ends when another starts does not overlap it. */
function maxOverlap(intervals: readonly { start: number; end: number }[]): number {
  const events = intervals.flatMap(({ start, end }) => [
    { at: start, delta: 1 },
    { at: end, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let max = 0;
  for (const { delta } of events) {
    running += delta;
    max = Math.max(max, running);
  }
  return max;
}

/**
 * The most starts in a window beyond what a token bucket of `limit` per `intervalMs` allows (the
 * saved-up `limit`, plus the refill over the window): 0 when the starts keep to the rate.
 */
function rateExcess(starts: readonly number[], limit: number, intervalMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let excess = 0;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const allowed = limit + (limit * (sorted[j]! - sorted[i]!)) / intervalMs;
      excess = Math.max(excess, j - i + 1 - allowed);
    }
  }
  return excess;
}

/**
 * What the pause state and the shared limits of a transport do to real worker processes: three
 * workers consume two transports of the backend, `jobs` under a shared concurrency limit and
 * `other` under a shared rate limit; no limit is exceeded across them (checked on the start and
 * end times every worker prints); `jobs` paused is left alone by all three while `other` is
 * handled, and resumed it drains. Build core and the transport package first.
 */
export function describeWorkerControlsConformance(name: string, setup: WorkerControlsConformanceSetup): void {
  describe(`worker controls across processes: ${name}`, () => {
    const running: ConformanceWorkerProcess[] = [];
    const open: Messenger[] = [];
    const cleanups: (() => Promise<void> | void)[] = [];

    afterEach(async () => {
      for (const worker of running.splice(0)) worker.kill("SIGKILL");
      for (const messenger of open.splice(0)) await messenger.close().catch(() => undefined);
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it("three workers keep to a shared concurrency limit and a shared rate limit; a pause reaches all of them", async () => {
      const CAP = 2;
      const RATE = { limit: 5, interval: 1_000 };
      const q = await setup.queues("controls");
      cleanups.push(() => q.cleanup());
      const dir = mkdtempSync(join(tmpdir(), "mt-controls-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const ledger = new HandledLedger(dir);
      const module = setup.factory.module;
      const exported = (await import(isAbsolute(module) ? pathToFileURL(module).href : module))[
        setup.factory.exportName
      ] as new () => TransportFactory;
      const messenger = createMessenger({
        transports: { jobs: q.dsn("jobs"), other: q.dsn("other") },
        transportFactories: [new exported()],
      });
      open.push(messenger);
      await messenger.setup();
      const jobs = messenger.getTransport("jobs");
      const other = messenger.getTransport("other");

      // Three local slots each, nine in all: only the shared limit keeps `jobs` to two.
      const workers = range(0, 3).map(() => {
        const worker = new ConformanceWorkerProcess({
          factory: setup.factory,
          ledger: ledger.dir,
          jobs: q.dsn("jobs"),
          other: q.dsn("other"),
          receivers: ["jobs", "other"],
          concurrency: 3,
          sleep: 100,
          handlerMs: 200,
          concurrencyLimit: { limit: CAP },
          rateLimiter: RATE,
        });
        running.push(worker);
        return worker;
      });
      await Promise.all(workers.map((worker) => worker.ready()));

      const capped = range(0, 8);
      const rated = range(100, 10);
      await send(jobs, capped);
      await send(other, rated);
      const handled = (numbers: readonly number[]) => {
        const done = new Set(ledger.read().map((entry) => entry.n));
        return numbers.every((n) => done.has(n));
      };
      expect(await eventually(() => handled([...capped, ...rated]), 60_000), "every job handled").toBe(true);

      const cappedHandlings = handlings(workers, new Set(capped));
      expect(cappedHandlings).toHaveLength(capped.length);
      const overlap = maxOverlap(cappedHandlings);
      expect(overlap, `at most ${CAP} jobs of the capped transport in handlers at once`).toBeLessThanOrEqual(
        CAP,
      );
      expect(overlap, "the limit was reached, so an excess would have shown").toBe(CAP);
      const cappedWorkers = new Set(
        ledger
          .read()
          .filter((e) => capped.includes(e.n))
          .map((e) => e.pid),
      );
      const rateStarts = handlings(workers, new Set(rated)).map((h) => h.start);
      expect(rateStarts).toHaveLength(rated.length);
      // One permit of slack: a start is printed a moment after its permit became usable.
      expect(
        rateExcess(rateStarts, RATE.limit, RATE.interval),
        "starts beyond the shared rate",
      ).toBeLessThanOrEqual(1);

      // Paused: every worker says so, then leaves `jobs` alone while it handles `other`.
      if (!isTransportPauseStore(jobs)) throw new Error(`${name} keeps no pause state`);
      await jobs.pauseTransport("jobs");
      await Promise.all(workers.map((worker) => worker.waitFor(/^paused jobs$/, 20_000)));
      const held = range(200, 3);
      const meanwhile = range(300, 3);
      await send(jobs, held);
      await send(other, meanwhile);
      expect(await eventually(() => handled(meanwhile), 30_000), "the other transport is handled").toBe(true);
      // Two poll intervals more for a worker that would (wrongly) still fetch `jobs`.
      await sleep(300);
      expect(handlings(workers, new Set(held)), "no paused job started").toEqual([]);
      expect(await jobs.getPausedTransports(), "the state is in the backend").toContain("jobs");

      await jobs.resumeTransport("jobs");
      await Promise.all(workers.map((worker) => worker.waitFor(/^resumed jobs$/, 20_000)));
      expect(await eventually(() => handled(held), 30_000), "resumed, the paused jobs are handled").toBe(
        true,
      );

      for (const worker of workers) worker.kill("SIGTERM");
      const exits = await Promise.all(workers.map((worker) => worker.exited));
      expect(exits.map((exit) => exit.code)).toEqual([0, 0, 0]);
      const all = ledger.read();
      expect(all, "each job handled once").toHaveLength(
        capped.length + rated.length + held.length + meanwhile.length,
      );
      console.info(
        `[controls ${name}] capped transport: max ${overlap} of ${CAP} at once over ${cappedWorkers.size} workers; ` +
          `rated transport: ${rated.length} starts in ${Math.max(...rateStarts) - Math.min(...rateStarts)} ms at ${RATE.limit}/s`,
      );
    }, 120_000);
  });
}
