import "reflect-metadata";
import { describe, expect, it, vi } from "vitest";
import {
  AsMessage,
  AsMessageHandler,
  BusNameStamp,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  HandlerArgumentsStamp,
  type HandlerContext,
  HandlerFailedError,
  HandlerTimeoutError,
  type Logger,
  type TransportFactory,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Job {
  constructor(readonly n: number) {}
}

@AsMessage("test.handler_timeout.slow_report", { handlerTimeout: 40 })
class SlowReport {}

class MonthlySlowReport extends SlowReport {}

interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly context: Record<string, unknown>;
}

function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = (level: string) => (context: Record<string, unknown>, message: string) =>
    void lines.push({ level, message, context });
  return { lines, debug: () => {}, info: log("info"), warn: log("warn"), error: log("error") };
}

function setup(handler: (job: Job, context: HandlerContext) => unknown, logger?: Logger) {
  const queues = new Map([
    ["async", new QueueTransport()],
    ["failed", new QueueTransport()],
  ]);
  const factory: TransportFactory = {
    schemes: ["test"],
    supports: (dsn) => dsn.startsWith("test://"),
    createTransport: (dsn) => queues.get(dsn.slice("test://".length))!,
  };
  const messenger = createMessenger({
    transportFactories: [factory],
    transports: {
      async: { dsn: "test://async", retryStrategy: { maxRetries: 2, delay: 0, jitter: 0 } },
      failed: "test://failed",
    },
    failureTransport: "failed",
    handlers: [defineHandler(Job, handler, { name: "job" })],
    logger,
  });
  return { messenger, async: queues.get("async")!, failed: queues.get("failed")! };
}

const job = (n: number) => Envelope.wrap(new Job(n), [new BusNameStamp("messenger.bus.default")]);
const numbers = (envelopes: readonly Envelope[]) => envelopes.map((e) => (e.message as Job).n);
const hang = () => new Promise<never>(() => {});

describe("handler timeouts on a worker", () => {
  it("frees the slot of a hung handler that ignores its signal: the next message runs, the hung one is retried, then goes to the failure transport", async () => {
    const calls: number[] = [];
    const signals: AbortSignal[] = [];
    const { messenger, async, failed } = setup((message, { signal }) => {
      calls.push(message.n);
      if (message.n !== 1) return;
      signals.push(signal);
      return hang(); // ignores its signal
    });
    await async.send(job(1));
    await async.send(job(2));
    const worker = createWorker(messenger, { receivers: ["async"], sleep: 10, handlerTimeout: 50 });
    const run = worker.run();
    await vi.waitFor(() => expect(failed.pending).toHaveLength(1), { timeout: 10_000, interval: 20 });
    worker.stop();
    await run;
    // Concurrency 1: job 2 could only run because the hung handler's slot was given back.
    expect(calls.filter((n) => n === 2)).toHaveLength(1);
    expect(numbers(async.acked)).toEqual([2]);
    expect(calls.filter((n) => n === 1)).toHaveLength(3); // the first try and maxRetries 2
    expect(numbers(failed.pending)).toEqual([1]);
    expect(signals).toHaveLength(3);
    for (const signal of signals) {
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBeInstanceOf(HandlerTimeoutError);
      expect(signal.reason).toMatchObject({ code: "HANDLER_TIMEOUT", handlerName: "job", timeout: 50 });
    }
  });

  it("a handler that honours its signal stops with the timeout error, and nothing is logged as late", async () => {
    const logger = recordingLogger();
    let stoppedWork = false;
    const { messenger, async, failed } = setup(
      (_message, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            stoppedWork = true;
            reject(signal.reason);
          });
        }),
      logger,
    );
    await async.send(job(1));
    const worker = createWorker(messenger, { receivers: ["async"], sleep: 10, handlerTimeout: 30 });
    const run = worker.run();
    await vi.waitFor(() => expect(failed.pending).toHaveLength(1), { timeout: 10_000, interval: 20 });
    worker.stop();
    await run;
    expect(stoppedWork).toBe(true);
    expect(logger.lines.filter((l) => l.message.includes("after its timeout"))).toEqual([]);
    const failure = logger.lines.find((l) => l.message.includes("failure transport"));
    expect(failure, JSON.stringify(logger.lines.map((l) => l.message))).toBeDefined();
  });

  it("discards a result or an error that comes after the timeout, with a warning, never an unhandled rejection", async () => {
    const logger = recordingLogger();
    const { messenger, async } = setup(async (message) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      if (message.n === 1) return "late";
      throw new Error("late failure");
    }, logger);
    await async.send(job(1));
    await async.send(job(2));
    const worker = createWorker(messenger, {
      receivers: ["async"],
      sleep: 10,
      handlerTimeout: { async: 20 },
      concurrency: 2,
    });
    const run = worker.run();
    await vi.waitFor(
      () => expect(logger.lines.filter((l) => l.message.includes("after its timeout"))).toHaveLength(2),
      { timeout: 10_000, interval: 20 },
    );
    worker.stop();
    await run;
    const late = logger.lines.filter((l) => l.message.includes("after its timeout"));
    expect(late.every((l) => l.level === "warn" && l.context.handler === "job")).toBe(true);
    expect(late.map((l) => l.message).sort()).toEqual([
      "A handler failed after its timeout; the error is discarded",
      "A handler finished after its timeout; its result is discarded",
    ]);
    expect(async.acked).toEqual([]);
  });

  it("aborts the signal on a hard stop (the end of the grace period); the message stays claimed", async () => {
    let signal: AbortSignal | undefined;
    const { messenger, async, failed } = setup((_message, context) => {
      signal = context.signal;
      return new Promise((_resolve, reject) =>
        context.signal.addEventListener("abort", () => reject(context.signal.reason)),
      );
    });
    await async.send(job(1));
    const worker = createWorker(messenger, { receivers: ["async"], sleep: 10, gracePeriod: 50 });
    const run = worker.run();
    await vi.waitFor(() => expect(signal).toBeDefined(), { timeout: 10_000, interval: 10 });
    expect(signal!.aborted).toBe(false);
    worker.stop();
    await expect(run).rejects.toMatchObject({ code: "WORKER_STOP_TIMEOUT" });
    expect(signal!.aborted).toBe(true);
    expect(async.acked).toEqual([]);
    expect(async.rejected).toEqual([]);
    expect(failed.pending).toEqual([]);
    expect(numbers(async.pending)).toEqual([1]);
  });

  it("refuses a bad worker handlerTimeout, naming the value and the transport", () => {
    const { messenger } = setup(() => {});
    expect(() => createWorker(messenger, { receivers: ["async"], handlerTimeout: 0 })).toThrow(
      /"handlerTimeout" must be a whole number of milliseconds between 1 and 2147483647, got 0/,
    );
    expect(() => createWorker(messenger, { receivers: ["async"], handlerTimeout: { async: 1.5 } })).toThrow(
      /"handlerTimeout" for "async" must be .*got 1.5/,
    );
  });
});

describe("handler timeouts and the handler context", () => {
  it("gives the handler its context as the last argument, after extra arguments", async () => {
    const seen: unknown[][] = [];
    const messenger = createMessenger({
      handlers: [defineHandler(Job, (...args: unknown[]) => void seen.push(args), { name: "job" })],
    });
    await messenger.bus.dispatch(new Job(1));
    await messenger.bus.dispatch(new Job(2), [new HandlerArgumentsStamp(["extra"])]);
    expect(seen[0]).toHaveLength(2);
    expect((seen[0]![1] as HandlerContext).signal).toBeInstanceOf(AbortSignal);
    expect((seen[0]![1] as HandlerContext).signal.aborted).toBe(false);
    expect(seen[1]![1]).toBe("extra");
    expect((seen[1]![2] as HandlerContext).signal).toBeInstanceOf(AbortSignal);
  });

  it("applies the message class's handlerTimeout, inherited by subclasses, on a synchronous dispatch too", async () => {
    const messenger = createMessenger({
      handlers: [defineHandler(SlowReport, hang, { name: "report" })],
    });
    for (const message of [new SlowReport(), new MonthlySlowReport()]) {
      const failure = await messenger.bus.dispatch(message).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(HandlerFailedError);
      const nested = (failure as HandlerFailedError).errorsByHandler.get("report");
      expect(nested).toBeInstanceOf(HandlerTimeoutError);
      expect(nested).toMatchObject({ timeout: 40 });
    }
  });

  it("a handler's own timeout overrides its message class's, which overrides the transport's", async () => {
    class ReportHandler {
      @AsMessageHandler({ timeout: 20 })
      build(_report: SlowReport): Promise<never> {
        return hang();
      }
    }
    const messenger = createMessenger({ handlers: [ReportHandler] });
    const failure = await messenger.bus.dispatch(new SlowReport()).catch((error: unknown) => error);
    const nested = (failure as HandlerFailedError).errorsByHandler.get("ReportHandler.build");
    expect(nested).toMatchObject({ code: "HANDLER_TIMEOUT", timeout: 20 });

    // The message class (40 ms) wins over the worker's transport timeout (60 s).
    const queue = new QueueTransport();
    const messenger2 = createMessenger({
      transportFactories: [
        { schemes: ["test"], supports: (dsn) => dsn.startsWith("test://"), createTransport: () => queue },
      ],
      transports: { q: { dsn: "test://", retryStrategy: { maxRetries: 0 } } },
      handlers: [defineHandler(SlowReport, hang, { name: "report" })],
    });
    await queue.send(Envelope.wrap(new SlowReport(), [new BusNameStamp("messenger.bus.default")]));
    const worker = createWorker(messenger2, { receivers: ["q"], sleep: 10, handlerTimeout: 60_000 });
    const run = worker.run();
    await vi.waitFor(() => expect(queue.rejected).toHaveLength(1), { timeout: 10_000, interval: 20 });
    worker.stop();
    await run;
  });

  it("refuses a bad handler or message class timeout, naming the value", () => {
    expect(() => defineHandler(Job, function job() {}, { timeout: -5 })).toThrow(
      /defineHandler\(job\) timeout must be a whole number of milliseconds between 1 and 2147483647, got -5/,
    );
    expect(() => AsMessage("test.handler_timeout.bad", { handlerTimeout: Number.NaN })(class {})).toThrow(
      /handlerTimeout must be .*got NaN/,
    );
    expect(() => AsMessageHandler({ timeout: 0 })(class {}, "handle")).toThrow(/timeout must be .*got 0/);
  });
});
