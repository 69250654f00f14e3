import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createMessenger } from "../config/create-messenger.js";
import type { Messenger } from "../config/messenger.js";
import { Envelope } from "../envelope/envelope.js";
import { UndecodableMessage } from "../serialization/undecodable-message.js";
import { DelayStamp } from "../stamps/delay-stamp.js";
import { ErrorDetailsStamp } from "../stamps/error-details-stamp.js";
import { MessageDecodingFailedStamp } from "../stamps/message-decoding-failed-stamp.js";
import { RedeliveryStamp } from "../stamps/redelivery-stamp.js";
import { SentToFailureTransportStamp } from "../stamps/sent-to-failure-transport-stamp.js";
import { TransportMessageIdStamp } from "../stamps/transport-message-id-stamp.js";
import { isBulkSender } from "../transport/capabilities/bulk-sender.js";
import { isListableReceiver, type ListableReceiver } from "../transport/capabilities/listable-receiver.js";
import type { Transport } from "../transport/transport.js";
import type { TransportFactory } from "../transport/transport-factory.js";
import { isRestartSignalStore } from "../worker/restart-signal-store.js";
import { ProcessConformanceJob as Job } from "./conformance-messages.js";
import { ConformanceWorkerProcess } from "./conformance-worker-process.js";
import { HandledLedger } from "./handled-ledger.js";
import type {
  ProcessConformanceOptions,
  ProcessConformanceQueues,
  ProcessConformanceSetup,
} from "./process-conformance-setup.js";
import type { ProcessWorkerConfig } from "./process-worker-config.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}

async function loadFactory(module: string, exportName: string): Promise<TransportFactory> {
  const exported = (await import(isAbsolute(module) ? pathToFileURL(module).href : module))[exportName];
  if (typeof exported !== "function") throw new Error(`${module} exports no class named "${exportName}"`);
  return new exported() as TransportFactory;
}

/** Sends `jobs` in chunks, sending a chunk again when the backend refused it (killed connections). */
async function sendAll(transport: Transport, numbers: readonly number[], chunk: number): Promise<void> {
  for (let from = 0; from < numbers.length; from += chunk) {
    const envelopes = numbers.slice(from, from + chunk).map((n) => Envelope.wrap(new Job(n)));
    for (let attempt = 1; ; attempt++) {
      try {
        if (isBulkSender(transport)) await transport.sendMany(envelopes);
        else for (const envelope of envelopes) await transport.send(envelope);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(50);
      }
    }
  }
}

function listable(transport: Transport): Transport & ListableReceiver {
  if (!isListableReceiver(transport)) throw new Error("the process-level suite lists the failure transport");
  return transport;
}

/**
 * The behaviour of a durable transport under real worker processes, as a vitest suite: undecodable
 * entries, SIGKILL and SIGTERM in the middle of a handler, several processes draining one queue,
 * killed connections and a restarted backend. Each worker is `dist/testing/process-worker.js` of
 * this package, a plain Node process that loads the transport factory named by `setup.factory`
 * and records what it handled in a ledger directory of the test's own, so the backend holds only
 * messages. Call it at the top level of a test file of the transport's package (inside a
 * `describe.skipIf` when the backend may be down); build the package first, the workers load dist.
 *
 * @example
 * ```ts
 * describeProcessConformance("sqlite", {
 *   factory: { module: fileURLToPath(new URL("../dist/index.js", import.meta.url)), exportName: "SqliteTransportFactory" },
 *   queues: async (test) => sqliteQueues(test),
 * });
 * ```
 */
export function describeProcessConformance<Q extends ProcessConformanceQueues>(
  name: string,
  setup: ProcessConformanceSetup<Q>,
  options: ProcessConformanceOptions = {},
): void {
  const {
    workers: workerCount = 4,
    messages = 3_000,
    quietDrain = false,
    concurrency = 8,
    messagesUnderKills = 6_000,
    redeliveryTimeout = 2_000,
    redeliveryUnderKills,
    messagesUnderRestart = 2_000,
    heldPerWorker = (c: number) => c,
    redeliversOnDisconnect = false,
  } = options;
  const restartable = setup.restartable;
  const killConnections = setup.killConnections;

  describe(`process conformance: ${name}`, () => {
    const running: ConformanceWorkerProcess[] = [];
    const open: Messenger[] = [];
    const cleanups: (() => Promise<void> | void)[] = [];
    let ledger: HandledLedger;

    afterEach(async () => {
      for (const worker of running.splice(0)) worker.kill("SIGKILL");
      for (const messenger of open.splice(0)) await messenger.close().catch(() => undefined);
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** Fresh queues, a fresh ledger, and the test process's own transports on them. */
    async function prepare(test: string, queues?: Q) {
      const q = queues ?? (await setup.queues(test));
      cleanups.push(() => q.cleanup());
      const dir = mkdtempSync(join(tmpdir(), `mt-process-${test}-`));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      ledger = new HandledLedger(dir);
      const factory = await loadFactory(setup.factory.module, setup.factory.exportName);
      const messenger = createMessenger({
        transports: { jobs: q.dsn("jobs"), failed: q.dsn("failed") },
        transportFactories: [factory],
      });
      open.push(messenger);
      return { q, jobs: messenger.getTransport("jobs"), failed: messenger.getTransport("failed"), messenger };
    }

    function start(config: Omit<ProcessWorkerConfig, "factory" | "ledger">): ConformanceWorkerProcess {
      const worker = new ConformanceWorkerProcess({ ...config, factory: setup.factory, ledger: ledger.dir });
      running.push(worker);
      return worker;
    }

    async function stop(worker: ConformanceWorkerProcess): Promise<number | null> {
      worker.kill("SIGTERM");
      return (await worker.exited).code;
    }

    it("an undecodable entry and a retried-out job end in the failure transport with their raw body; the worker goes on; the job can be retried from there", async () => {
      const { q, jobs, failed, messenger } = await prepare("failure");
      await messenger.setup();
      const garbage = '{"n": 1, oops';
      await q.injectRaw("jobs", garbage, {
        type: "process_conformance.job",
        "Content-Type": "application/json",
      });
      await jobs.send(Envelope.wrap(new Job(2)));
      await jobs.send(Envelope.wrap(new Job(3)));

      const worker = start({ jobs: q.dsn("jobs"), failed: q.dsn("failed"), retries: 1, failOn: [2] });
      await worker.finished(3, 20_000);
      const parkedBoth = await eventually(async () => (await listable(failed).all()).length === 2, 20_000);
      expect(parkedBoth, "both reached the failure transport").toBe(true);
      expect(worker.startedCount(2), "job 2 tried, then retried once").toBe(2);
      expect(ledger.read(), "the worker went on after the broken entry").toEqual([{ n: 3, pid: worker.pid }]);
      expect(await eventually(async () => (await q.storedBodies("jobs")).length === 0, 5_000)).toBe(true);
      expect(await stop(worker)).toBe(0);

      const parked = await listable(failed).all();
      const undecodable = parked.find((e) => e.message instanceof UndecodableMessage)!;
      expect(undecodable, "the undecodable entry is listed").toBeDefined();
      const message = undecodable.message as UndecodableMessage;
      expect(message.body, "with its raw body").toBe(garbage);
      expect(message.headers.type).toBe("process_conformance.job");
      // It still does not decode, so its stamps travel as the raw headers it is stored with.
      expect(message.headers[`X-Message-Stamp-${MessageDecodingFailedStamp.stampName}`]).toBeDefined();
      expect(message.headers[`X-Message-Stamp-${ErrorDetailsStamp.stampName}`]).toMatch(/decod/i);
      expect(
        JSON.parse(message.headers[`X-Message-Stamp-${SentToFailureTransportStamp.stampName}`]!),
      ).toEqual([{ originalReceiverName: "jobs" }]);
      expect(await q.storedBodies("failed"), "the backend keeps the original bytes").toContain(garbage);

      const job = parked.find((e) => e.message instanceof Job)!;
      expect(job.message).toEqual(new Job(2));
      expect(job.last(ErrorDetailsStamp)?.errorMessage).toMatch(/job 2 failed on purpose/);
      expect(job.last(RedeliveryStamp)).toBeDefined();
      const id = String(job.last(TransportMessageIdStamp)!.id);
      expect((await listable(failed).find(id))?.message).toEqual(new Job(2));

      // messenger:failed:remove for the undecodable one, messenger:failed:retry (consume "failed") for the job.
      await failed.reject(undecodable);
      const retrying = start({ jobs: q.dsn("jobs"), failed: q.dsn("failed"), receivers: ["failed"] });
      await retrying.finished(2, 20_000);
      expect(await eventually(async () => (await listable(failed).all()).length === 0, 5_000)).toBe(true);
      expect(await q.storedBodies("failed")).toEqual([]);
      expect(await stop(retrying)).toBe(0);
      expect(ledger.read().map((e) => e.n)).toEqual([3, 2]);
    }, 60_000);

    /**
     * Job 42 held by a worker whose handler never ends, and a second worker that has handled job
     * 43: the start of both SIGKILL tests.
     */
    async function hungJobBesideSurvivor(test: string, killFirst: boolean) {
      const { q, jobs } = await prepare(test);
      const dsn = q.dsn("jobs", { redeliveryTimeout });
      const doomed = start({ jobs: dsn, handlerMs: -1 });
      await doomed.ready();
      await jobs.send(Envelope.wrap(new Job(42)));
      const claimedAt = await doomed.started(42, 10_000);
      let killedAt = 0;
      if (killFirst) killedAt = await sigkill(doomed);
      const survivor = start({ jobs: dsn });
      await survivor.ready();
      await jobs.send(Envelope.wrap(new Job(43)));
      await survivor.finished(43, 20_000);
      return { q, doomed, survivor, claimedAt, killedAt };
    }

    /** Kills the worker with SIGKILL and waits for it to die; returns when it was killed. */
    async function sigkill(worker: ConformanceWorkerProcess): Promise<number> {
      worker.kill("SIGKILL");
      const killedAt = Date.now();
      expect((await worker.exited).signal).toBe("SIGKILL");
      return killedAt;
    }

    /** The end of both SIGKILL tests: job 42 handled once, by the survivor, acked, and job 43 too. */
    async function expectSurvivorHandledBoth(
      q: Awaited<ReturnType<typeof prepare>>["q"],
      doomed: ConformanceWorkerProcess,
      survivor: ConformanceWorkerProcess,
    ): Promise<void> {
      expect(doomed.matching(/^finished 42 /)).toEqual([]);
      expect(
        await eventually(async () => (await q.storedBodies("jobs")).length === 0, 5_000),
        "the redelivered message was acked",
      ).toBe(true);
      expect(await stop(survivor)).toBe(0);
      expect(ledger.read().sort((a, b) => a.n - b.n)).toEqual([
        { n: 42, pid: survivor.pid },
        { n: 43, pid: survivor.pid },
      ]);
    }

    it(`a job whose worker was SIGKILLed mid-handler is handled by another worker ${redeliversOnDisconnect ? "as soon as its connection dropped" : "after the redelivery timeout, not before"}, once`, async () => {
      const { q, doomed, survivor, claimedAt, killedAt } = await hungJobBesideSurvivor("sigkill", true);
      const rescuedAt = await survivor.started(42, 60_000);
      await survivor.finished(42, 10_000);
      if (redeliversOnDisconnect) {
        // The broker requeued it when the connection dropped: the survivor took it once it was ready.
        expect(rescuedAt - killedAt, "at once, not after a timeout").toBeLessThan(15_000);
      } else {
        expect(rescuedAt - claimedAt, "not before the redelivery timeout").toBeGreaterThanOrEqual(
          redeliveryTimeout - 100,
        );
      }
      expect(Date.now() - killedAt).toBeLessThan(60_000);
      await expectSurvivorHandledBoth(q, doomed, survivor);
      console.info(
        `[process ${name}] SIGKILL: redelivered ${rescuedAt - claimedAt} ms after the claim (timeout ${redeliveryTimeout} ms)`,
      );
    }, 90_000);

    it("a hung handler keeps its job past the redelivery timeout while its worker lives; after a SIGKILL another worker handles it", async () => {
      const { q, doomed, survivor, claimedAt } = await hungJobBesideSurvivor("keepalive", false);
      await sleep(claimedAt + 2 * redeliveryTimeout + 500 - Date.now());
      expect(survivor.startedCount(42), "kept alive: not delivered again").toBe(0);
      expect(doomed.process.exitCode, "the hung worker still runs").toBeNull();

      const killedAt = await sigkill(doomed);
      await survivor.finished(42, 60_000);
      const recoveredMs = Date.now() - killedAt;
      expect(recoveredMs).toBeLessThan(60_000);
      await expectSurvivorHandledBoth(q, doomed, survivor);
      console.info(`[process ${name}] handled by the second worker ${recoveredMs} ms after the SIGKILL`);
    }, 90_000);

    it(`${workerCount} worker processes drain ${messages} messages exactly once between them${quietDrain ? ", logging no error" : ""}`, async () => {
      const { q, jobs } = await prepare("drain");
      const dsn = q.dsn("jobs");
      const workers = Array.from({ length: workerCount }, () =>
        start({ jobs: dsn, concurrency, verbose: false }),
      );
      // Every worker idle (set up at once, racing) before the first message: all compete.
      await Promise.all(workers.map((w) => w.ready()));
      const enqueueStart = performance.now();
      await sendAll(
        jobs,
        Array.from({ length: messages }, (_, n) => n),
        500,
      );
      const drainStart = performance.now();
      const drained = await eventually(() => ledger.read().length >= messages, 60_000, 100);
      const drainMs = performance.now() - drainStart;
      expect(drained, `only ${ledger.read().length} of ${messages} handled in 60 s`).toBe(true);
      // Give a late duplicate (a redelivery, a double claim) the chance to show up before counting.
      await sleep(1_000);
      // messenger:stop-workers through the backend when it can carry the signal, else SIGTERM.
      if (isRestartSignalStore(jobs)) await jobs.requestRestart(Date.now());
      else for (const worker of workers) worker.kill("SIGTERM");
      const exits = await Promise.all(workers.map((w) => w.exited));
      expect(exits.map((e) => e.code)).toEqual(Array(workerCount).fill(0));

      const handled = ledger.read();
      const numbers = new Set(handled.map((e) => e.n));
      expect(handled, "no message handled twice").toHaveLength(messages);
      expect(numbers.size, "every message handled").toBe(messages);
      expect(Math.min(...numbers)).toBe(0);
      expect(Math.max(...numbers)).toBe(messages - 1);
      const perWorker = new Map<number, number>();
      for (const { pid } of handled) perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1);
      expect(perWorker.size, "every worker took part").toBe(workerCount);
      if (quietDrain)
        expect(
          workers.flatMap((w) => w.errors),
          "errors the workers logged",
        ).toEqual([]);
      expect(await q.storedBodies("jobs"), "every message was acked").toEqual([]);
      console.info(
        `[process ${name}] enqueued ${messages} in ${(drainStart - enqueueStart).toFixed(0)} ms; ` +
          `${workerCount} workers (concurrency ${concurrency}) drained them in ${drainMs.toFixed(0)} ms; ` +
          `per worker: ${[...perWorker.values()].join(", ")}`,
      );
    }, 120_000);

    it.skipIf(!killConnections)(
      "a worker whose connections are killed while it works loses nothing and wakes for later messages",
      async () => {
        const { q, jobs } = await prepare("kills");
        // A long sleep: after the kills a message must come through the re-established wait, not a poll.
        const worker = start({
          jobs: q.dsn("jobs", { redeliveryTimeout: redeliveryUnderKills }),
          concurrency: 8,
          sleep: 10_000,
          verbose: false,
        });
        await worker.ready();
        let rounds = 0;
        let killed = 0;
        const killing = (async () => {
          while (ledger.read().length < messagesUnderKills && rounds < 200) {
            killed += await killConnections!(q, worker.pid);
            rounds++;
            await sleep(40);
          }
        })();
        for (let from = 0; from < messagesUnderKills; from += 200) {
          await sendAll(
            jobs,
            Array.from({ length: 200 }, (_, i) => from + i),
            200,
          );
          await sleep(5);
        }
        const distinct = () => new Set(ledger.read().map((e) => e.n)).size;
        const drained = await eventually(() => distinct() >= messagesUnderKills, 40_000, 100);
        await killing;
        expect(drained, `handled ${distinct()} of ${messagesUnderKills}`).toBe(true);
        expect(killed, "connections were killed while it worked").toBeGreaterThan(10);
        expect(
          await eventually(
            async () => (await q.storedBodies("jobs")).length === 0,
            10_000 + (redeliveryUnderKills ?? 0),
          ),
          "every message acked in the end",
        ).toBe(true);
        const handled = ledger.read().length;

        for (let n = messagesUnderKills; n < messagesUnderKills + 2; n++) {
          // Right after the last round of kills the worker may still be waiting to connect again
          // (a client's reconnect backoff grows with each loss): look again for a while.
          let found = 0;
          for (let look = 0; look < 30 && found === 0; look++) {
            found = await killConnections!(q, worker.pid);
            if (found === 0) await sleep(100);
          }
          expect(found, "connections found and killed").toBeGreaterThan(0);
          await sleep(1_500);
          await sendAll(jobs, [n], 1);
          expect(
            await eventually(() => ledger.count(n) > 0, 4_000),
            `message ${n} handled after the kill, well before the 10 s sleep`,
          ).toBe(true);
        }
        // Whatever failed on the way was reported as a TransportError keeping the driver's error.
        expect(worker.errors.filter((line) => !line.startsWith("error transport "))).toEqual([]);
        expect(await stop(worker)).toBe(0);
        console.info(
          `[process ${name}] ${messagesUnderKills} messages, ${killed} connections killed in ${rounds} rounds: ` +
            `${handled - messagesUnderKills} handled twice`,
        );
        // Each round of kills may run again what the worker held at that moment, no more.
        expect(
          handled - messagesUnderKills,
          "handled twice: at most what it held at each kill",
        ).toBeLessThanOrEqual(rounds * heldPerWorker(8));
      },
      90_000,
    );

    it.skipIf(!restartable)(
      "a backend restart fails producers fast while it is down; the worker reconnects and goes on",
      async () => {
        const { q, jobs } = await prepare("restart", await restartable!.queues("restart"));
        const worker = start({ jobs: q.dsn("jobs"), sleep: 10_000 });
        await worker.ready();
        await jobs.send(Envelope.wrap(new Job(1)));
        await worker.finished(1, 5_000);

        await restartable!.stop();
        const failedAt = Date.now();
        const error = await jobs.send(Envelope.wrap(new Job(2))).catch((e: unknown) => e);
        const failedAfterMs = Date.now() - failedAt;
        expect(error, "a producer gets an error, not a hang").toBeInstanceOf(Error);
        if (restartable!.unreachable) expect(String(error)).toMatch(restartable!.unreachable);
        expect(failedAfterMs).toBeLessThan(5_000);

        await restartable!.start();
        const restartedAt = Date.now();
        const sent = await eventually(
          () =>
            jobs.send(Envelope.wrap(new Job(3))).then(
              () => true,
              () => false,
            ),
          5_000,
          100,
        );
        expect(sent, "sends work again").toBe(true);
        await worker.finished(3, 5_000);
        const recoveredMs = Date.now() - restartedAt;
        expect(worker.errors.filter((line) => !line.startsWith("error transport "))).toEqual([]);
        expect(await stop(worker)).toBe(0);
        console.info(
          `[process ${name}] send failed after ${failedAfterMs} ms while the backend was down; ` +
            `a message sent after the restart was handled ${recoveredMs} ms after it`,
        );
      },
      60_000,
    );

    it.skipIf(!restartable?.keepsData)(
      `2 worker processes go on through a backend restart in the middle of ${messagesUnderRestart} messages: nothing lost, at most the messages they held handled twice`,
      async () => {
        const { q, jobs } = await prepare("midrun", await restartable!.queues("midrun"));
        const concurrency = 4;
        // Longer than the outage, as in production: an acknowledgement written after the restart
        // still holds its claim, and only what the workers held when the backend went away may run twice.
        const restartRedelivery = 10_000;
        const dsn = q.dsn("jobs", { redeliveryTimeout: restartRedelivery });
        const workers = [1, 2].map(() => start({ jobs: dsn, concurrency, handlerMs: 2, verbose: false }));
        await Promise.all(workers.map((w) => w.ready()));
        await sendAll(jobs, range(0, messagesUnderRestart), 500);
        const distinct = () => new Set(ledger.read().map((e) => e.n)).size;
        expect(await eventually(() => distinct() >= messagesUnderRestart / 4, 30_000, 10)).toBe(true);

        const handledBefore = distinct();
        await restartable!.stop();
        await sleep(2_000);
        await restartable!.start();
        const drained = await eventually(() => distinct() >= messagesUnderRestart, 60_000, 100);
        expect(drained, `handled ${distinct()} of ${messagesUnderRestart}`).toBe(true);
        expect(
          await eventually(
            async () => (await q.storedBodies("jobs")).length === 0,
            10_000 + redeliveryTimeout,
          ),
          "every message acked in the end",
        ).toBe(true);
        // A message whose acknowledgement was lost comes back after the redelivery timeout: wait for it.
        await sleep(restartRedelivery + 1_000);
        for (const worker of workers) worker.kill("SIGTERM");
        expect((await Promise.all(workers.map((w) => w.exited))).map((e) => e.code)).toEqual([0, 0]);
        const errors = workers.flatMap((w) => w.errors);
        expect(
          errors.filter((line) => line.startsWith("error transport ")),
          "the outage was logged",
        ).not.toEqual([]);
        expect(
          errors.filter((line) => !line.startsWith("error transport ")),
          "whatever failed was reported as a TransportError",
        ).toEqual([]);

        const handled = ledger.read().length;
        const duplicates = handled - distinct();
        const bound = workers.length * heldPerWorker(concurrency);
        console.info(
          `[process ${name}] restart after ${handledBefore} of ${messagesUnderRestart} messages, down 2 s: ` +
            `${handled} handled, ${duplicates} twice (bound ${bound}), ` +
            `${errors.length} transport errors logged`,
        );
        expect(distinct(), "nothing lost").toBe(messagesUnderRestart);
        expect(duplicates, "handled twice: at most what the workers held").toBeLessThanOrEqual(bound);
      },
      120_000,
    );

    it("SIGTERM in the middle of a handler lets it finish; the job is acked once and the process exits 0", async () => {
      const { q, jobs } = await prepare("sigterm");
      const dsn = q.dsn("jobs", { redeliveryTimeout });
      // The handler outlives the redelivery timeout: only keepalive keeps the job from the other worker.
      const stopping = start({ jobs: dsn, handlerMs: redeliveryTimeout + 1_500 });
      await stopping.ready();
      await jobs.send(Envelope.wrap(new Job(7)));
      await stopping.started(7, 10_000);
      const other = start({ jobs: dsn });
      await other.ready();
      stopping.kill("SIGTERM");
      expect((await stopping.exited).code).toBe(0);
      expect(stopping.matching(/^finished 7 /), "the handler finished").toHaveLength(1);
      expect(stopping.matching(/^handled 7$/), "handled once").toHaveLength(1);
      expect(stopping.lines.at(-1)).toBe("stopped");
      expect(await q.storedBodies("jobs"), "acked before the process exited").toEqual([]);
      await sleep(redeliveryTimeout + 500);
      expect(other.startedCount(7), "never delivered again").toBe(0);
      expect(await stop(other)).toBe(0);
      expect(ledger.read()).toEqual([{ n: 7, pid: stopping.pid }]);
    }, 60_000);

    it("an idle worker with a 30 s sleep handles a job sent by another process at once, a delayed one when due", async () => {
      const { q, jobs } = await prepare("idle");
      const worker = start({ jobs: q.dsn("jobs"), sleep: 30_000 });
      await worker.ready();
      await sleep(800); // long enough for any polling to back off to its longest pause
      const sentAt = Date.now();
      await jobs.send(Envelope.wrap(new Job(1)));
      const done = await worker.finished(1, 20_000);
      expect(done - sentAt, "woken long before its 30 s sleep ends").toBeLessThan(5_000);

      const delayedAt = Date.now();
      await jobs.send(Envelope.wrap(new Job(2), [new DelayStamp(1_500)]));
      const due = await worker.started(2, 20_000);
      expect(due - delayedAt, "not before its due time").toBeGreaterThanOrEqual(1_500);
      expect(due - delayedAt, "at its due time, not after the sleep").toBeLessThan(4_500);
      expect(await stop(worker)).toBe(0);
    }, 60_000);

    it("a worker stopped with fetched jobs in hand hands them back: another worker handles them long before the redelivery timeout, each once", async () => {
      const { q, jobs } = await prepare("handback");
      // Only a hand-back lets another worker have them within the test's time.
      const dsn = q.dsn("jobs", { redeliveryTimeout: 120_000 });
      const count = 30;
      await sendAll(jobs, range(0, count), count);
      // Concurrency 1 and slow handlers: the rest of the batch it fetched waits, unstarted. A
      // transport sizes its claims before it measured anything at one message: by the third job
      // it claims full batches.
      const stopping = start({ jobs: dsn, concurrency: 1, handlerMs: 300 });
      await stopping.waitFor(/^started /, 20_000, 3);
      stopping.kill("SIGTERM");
      expect((await stopping.exited).code, "it finished its handler and stopped").toBe(0);
      const stoppedAt = Date.now();
      const other = start({ jobs: dsn });
      const distinct = () => new Set(ledger.read().map((e) => e.n)).size;
      expect(
        await eventually(() => distinct() >= count, 30_000, 50),
        `handled ${distinct()} of ${count}: the rest waits for the redelivery timeout`,
      ).toBe(true);
      const handedOverMs = Date.now() - stoppedAt;
      expect(await eventually(async () => (await q.storedBodies("jobs")).length === 0, 5_000)).toBe(true);
      expect(await stop(other)).toBe(0);
      expect(ledger.read(), "each handled once").toHaveLength(count);
      expect(
        stopping.matching(/^finished /),
        "the stopping worker finished what it had started",
      ).toHaveLength(stopping.matching(/^started /).length);
      console.info(
        `[process ${name}] SIGTERM with a batch in hand: ${count - stopping.matching(/^finished /).length} jobs ` +
          `handled by the other worker within ${handedOverMs} ms`,
      );
    }, 60_000);

    /**
     * Starts worker after worker on a DSN with delivery limit `limit`, each of which takes job
     * `poison` and is ended by `fault` (it exited or was stopped); returns them, then checks that
     * the next worker sends the job to the failure transport, without a handler, with an error
     * naming the limit, and handles a job sent after it.
     */
    async function deliveriesUntilFailureTransport(
      test: string,
      poison: number,
      config: Pick<ProcessWorkerConfig, "crashOn" | "hangOn" | "gracePeriod">,
      fault: (worker: ConformanceWorkerProcess) => Promise<void>,
    ): Promise<ConformanceWorkerProcess[]> {
      const limit = 2;
      const { q, jobs, failed } = await prepare(test);
      const dsn = q.dsn("jobs", { redeliveryTimeout: 1_000, deliveryLimit: limit });
      const workerConfig = { jobs: dsn, failed: q.dsn("failed"), ...config };
      await jobs.send(Envelope.wrap(new Job(poison)));
      const faulted: ConformanceWorkerProcess[] = [];
      for (let delivery = 1; delivery <= limit; delivery++) {
        const worker = start(workerConfig);
        await worker.started(poison, 20_000);
        await fault(worker);
        faulted.push(worker);
      }
      const last = start(workerConfig);
      await last.ready();
      const parked = await eventually(async () => (await listable(failed).all()).length === 1, 20_000);
      expect(parked, "the job reached the failure transport").toBe(true);
      expect(last.startedCount(poison), "without running its handler again").toBe(0);
      const [envelope] = await listable(failed).all();
      expect(envelope!.message).toEqual(new Job(poison));
      const details = envelope!.last(ErrorDetailsStamp);
      expect(details?.errorCode).toBe("DELIVERY_LIMIT_EXCEEDED");
      expect(details?.errorMessage).toMatch(new RegExp(`delivery limit ${limit}`));
      await jobs.send(Envelope.wrap(new Job(poison + 1)));
      await last.finished(poison + 1, 20_000);
      expect(await eventually(async () => (await q.storedBodies("jobs")).length === 0, 5_000)).toBe(true);
      expect(await stop(last)).toBe(0);
      expect(ledger.read().map((e) => e.n)).toEqual([poison + 1]);
      return faulted;
    }

    it("a job whose handler crashes the worker process (process.exit) reaches the failure transport after the delivery limit", async () => {
      const crashed = await deliveriesUntilFailureTransport("crash", 5, { crashOn: [5] }, async (worker) => {
        expect((await worker.exited).code, "the handler ended the process").toBe(1);
      });
      expect(crashed).toHaveLength(2);
    }, 90_000);

    it("a hung handler: SIGTERM stops the worker after its grace period with a failure exit code and the job logged; after the delivery limit the job reaches the failure transport", async () => {
      const hung = await deliveriesUntilFailureTransport(
        "hang",
        8,
        { hangOn: [8], gracePeriod: 300 },
        async (worker) => {
          await sleep(500);
          expect(worker.process.exitCode, "a never-settling handler is a hang, not an exit").toBeNull();
          worker.kill("SIGTERM");
          const { code } = await worker.exited;
          expect(code, "the grace period ran out: a failure exit code").toBe(1);
          expect(worker.matching(/^failed .*grace period/)).toHaveLength(1);
          expect(worker.matching(/^error log Abandoned message/), "the abandoned job is logged").toHaveLength(
            1,
          );
        },
      );
      expect(hung).toHaveLength(2);
    }, 90_000);

    it.skipIf(!restartable)(
      "a worker whose backend stays down longer than its outage limit logs the outage and exits with a failure",
      async () => {
        const { q } = await prepare("outage", await restartable!.queues("outage"));
        const worker = start({ jobs: q.dsn("jobs"), sleep: 200, outageLimit: 1_500 });
        await worker.ready();
        await restartable!.stop();
        try {
          const exit = await Promise.race([worker.exited, sleep(30_000).then(() => undefined)]);
          expect(exit?.code, "it gave up within 30 s, with a failure").toBe(1);
          expect(worker.matching(/^failed .*outage limit/)).toHaveLength(1);
          expect(
            worker.errors.filter((line) => line.startsWith("error transport ")),
            "the outage was logged",
          ).not.toEqual([]);
        } finally {
          await restartable!.start();
        }
      },
      60_000,
    );
  });
}
