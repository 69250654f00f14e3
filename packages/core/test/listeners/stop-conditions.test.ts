import { describe, expect, it } from "vitest";
import { InMemoryRestartSignalStore, type RestartSignalStore } from "../../src/entry-points/transport.js";
import {
  StopWorkerOnCustomStopExceptionListener,
  StopWorkerOnFailureLimitListener,
  StopWorkerOnMemoryLimitListener,
  StopWorkerOnMessageLimitListener,
  StopWorkerOnRestartSignalListener,
  StopWorkerOnTimeLimitListener,
} from "../../src/entry-points/worker.js";
import {
  DelayedMessageHandlingError,
  Envelope,
  EventDispatcher,
  HandlerFailedError,
  InvalidArgumentError,
  StopWorkerError,
  WorkerMessageFailedEvent,
  WorkerRunningEvent,
  WorkerStartedEvent,
  WorkerStoppedEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { fakeWorker, recordingLogger } from "./support.js";

class Job {}

function harness(startedAt = 0) {
  const events = new EventDispatcher();
  const worker = fakeWorker(startedAt);
  return {
    events,
    worker,
    started: () => events.dispatch(new WorkerStartedEvent(worker)),
    busy: () => events.dispatch(new WorkerRunningEvent(worker, false)),
    idle: () => events.dispatch(new WorkerRunningEvent(worker, true)),
    failed: (error: Error = new Error("boom")) =>
      events.dispatch(new WorkerMessageFailedEvent(Envelope.wrap(new Job()), "async", error)),
  };
}

const BAD_COUNTS = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "3"];

describe("StopWorkerOnMessageLimitListener", () => {
  it("stops once the limit of handled messages is reached; idle rounds do not count", async () => {
    const h = harness();
    const logger = recordingLogger();
    new StopWorkerOnMessageLimitListener(3, { logger }).register(h.events);
    await h.busy();
    await h.idle();
    await h.busy();
    await h.idle();
    await h.idle();
    expect(h.worker.stop).not.toHaveBeenCalled();
    await h.busy();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
    expect(logger.lines[0]?.message).toBe("Worker stopped due to maximum count of 3 messages processed");
  });

  it.each(BAD_COUNTS)("rejects the limit %s, naming it", (limit) => {
    expect(() => new StopWorkerOnMessageLimitListener(limit as number)).toThrowError(InvalidArgumentError);
    expect(() => new StopWorkerOnMessageLimitListener(limit as number)).toThrowError(
      `The message limit must be a whole number > 0, got ${typeof limit === "string" ? `"${limit}"` : String(limit)}.`,
    );
  });

  it("stops counting once unsubscribed", async () => {
    const h = harness();
    const off = new StopWorkerOnMessageLimitListener(1).register(h.events);
    off();
    await h.busy();
    expect(h.worker.stop).not.toHaveBeenCalled();
  });
});

describe("StopWorkerOnFailureLimitListener", () => {
  it("counts failures and stops on the next running event after the limit", async () => {
    const h = harness();
    new StopWorkerOnFailureLimitListener(2).register(h.events);
    await h.failed();
    await h.busy();
    await h.busy();
    expect(h.worker.stop).not.toHaveBeenCalled();
    await h.failed();
    await h.idle(); // only a message's own running event stops it
    expect(h.worker.stop).not.toHaveBeenCalled();
    await h.busy();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it.each(BAD_COUNTS)("rejects the limit %s", (limit) => {
    expect(() => new StopWorkerOnFailureLimitListener(limit as number)).toThrowError(
      /^The failure limit must be a whole number > 0, got/,
    );
  });
});

describe("StopWorkerOnMemoryLimitListener", () => {
  it("stops once usage exceeds the limit, on idle rounds too", async () => {
    const h = harness();
    let usage = 100 * 1024 * 1024;
    new StopWorkerOnMemoryLimitListener("128M", { memoryUsage: () => usage }).register(h.events);
    await h.busy();
    usage = 128 * 1024 * 1024; // equal is not over
    await h.idle();
    expect(h.worker.stop).not.toHaveBeenCalled();
    usage += 1;
    await h.idle();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("reads the process's resident set size by default", async () => {
    const h = harness();
    new StopWorkerOnMemoryLimitListener(1024).register(h.events); // 1 KiB: any process is over
    await h.idle();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
    const roomy = harness();
    new StopWorkerOnMemoryLimitListener("1024G").register(roomy.events);
    await roomy.idle();
    expect(roomy.worker.stop).not.toHaveBeenCalled();
  });

  it("keeps the limit in bytes and refuses a bad one", () => {
    expect(new StopWorkerOnMemoryLimitListener("1g").limit).toBe(1024 ** 3);
    expect(() => new StopWorkerOnMemoryLimitListener("128MB")).toThrowError(InvalidArgumentError);
  });
});

describe("StopWorkerOnTimeLimitListener", () => {
  it("stops once the time since the start has passed the limit, on idle rounds too", async () => {
    const clock = new FakeClock();
    const h = harness(clock.now());
    new StopWorkerOnTimeLimitListener(60_000, { clock }).register(h.events);
    await h.started();
    await clock.advance(59_999);
    await h.busy();
    await h.idle();
    expect(h.worker.stop).not.toHaveBeenCalled();
    await clock.advance(1);
    await h.idle();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("counts from the worker's start when registered after it started", async () => {
    const clock = new FakeClock();
    const h = harness(clock.now());
    await clock.advance(30_000);
    new StopWorkerOnTimeLimitListener(40_000, { clock }).register(h.events);
    await h.busy();
    expect(h.worker.stop).not.toHaveBeenCalled();
    await clock.advance(10_000);
    await h.busy();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("stops from its own timer when no running event comes (a fetch hanging during an outage)", async () => {
    const clock = new FakeClock();
    const h = harness(clock.now());
    new StopWorkerOnTimeLimitListener(60_000, { clock }).register(h.events);
    await h.started();
    await clock.advance(59_999);
    expect(h.worker.stop).not.toHaveBeenCalled();
    await clock.advance(1);
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
    // A running event after that does not stop (nor log) a second time.
    await h.idle();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("cancels its timer when the worker stopped", async () => {
    const clock = new FakeClock();
    const h = harness(clock.now());
    new StopWorkerOnTimeLimitListener(60_000, { clock }).register(h.events);
    await h.started();
    await h.events.dispatch(new WorkerStoppedEvent(h.worker));
    expect(clock.pendingSleeps).toBe(0);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])("rejects the limit %s", (limit) => {
    expect(() => new StopWorkerOnTimeLimitListener(limit)).toThrowError(
      `The time limit (milliseconds) must be a number > 0, got ${String(limit)}.`,
    );
  });
});

describe("StopWorkerOnRestartSignalListener", () => {
  function countingStore(inner: RestartSignalStore = new InMemoryRestartSignalStore()) {
    const store = {
      reads: 0,
      failNext: false,
      requestRestart: (at: number) => inner.requestRestart(at),
      getRestartRequestedAt: async () => {
        store.reads++;
        if (store.failNext) {
          store.failNext = false;
          throw new Error("redis down");
        }
        return inner.getRestartRequestedAt();
      },
    };
    return store;
  }

  it("stops when a restart was requested after the worker started, ignoring older requests", async () => {
    const clock = new FakeClock();
    const store = countingStore();
    await store.requestRestart(clock.now() - 5_000); // from before this worker existed
    const h = harness(clock.now());
    new StopWorkerOnRestartSignalListener(store, { clock, checkInterval: 0 }).register(h.events);
    await h.idle();
    expect(h.worker.stop).not.toHaveBeenCalled();
    await clock.advance(10);
    await store.requestRestart(clock.now());
    await h.idle();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("looks at the store at most once per check interval", async () => {
    const clock = new FakeClock();
    const store = countingStore();
    const h = harness(clock.now());
    new StopWorkerOnRestartSignalListener(store, { clock }).register(h.events); // 1000 ms
    await h.busy();
    expect(store.reads).toBe(1);
    await clock.advance(100);
    await store.requestRestart(clock.now());
    for (let i = 0; i < 5; i++) await h.busy();
    await clock.advance(800);
    await h.idle();
    expect(store.reads).toBe(1);
    expect(h.worker.stop).not.toHaveBeenCalled();
    await clock.advance(100);
    await h.idle();
    expect(store.reads).toBe(2);
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("a busy worker's running event does not wait for the store; the look still stops the worker", async () => {
    const clock = new FakeClock();
    const inner = new InMemoryRestartSignalStore();
    let answer!: () => void;
    const held = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const store: RestartSignalStore = {
      requestRestart: (at: number) => inner.requestRestart(at),
      getRestartRequestedAt: async () => {
        await held;
        return inner.getRestartRequestedAt();
      },
    };
    const h = harness(clock.now());
    new StopWorkerOnRestartSignalListener(store, { clock, checkInterval: 0 }).register(h.events);
    await clock.advance(1);
    await store.requestRestart(clock.now());
    // Resolves while the store has not answered: the message's handling is not held up.
    await h.busy();
    expect(h.worker.stop).not.toHaveBeenCalled();
    answer();
    await held;
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("survives a store that cannot be read, and tries again an interval later", async () => {
    const clock = new FakeClock();
    const store = countingStore();
    const logger = recordingLogger();
    const h = harness(clock.now());
    new StopWorkerOnRestartSignalListener(store, { clock, checkInterval: 500, logger }).register(h.events);
    await clock.advance(1);
    await store.requestRestart(clock.now());
    store.failNext = true;
    await h.idle();
    expect(h.worker.stop).not.toHaveBeenCalled();
    expect(logger.lines[0]).toMatchObject({
      level: "warn",
      message: "Could not read the worker restart signal; will try again",
    });
    await clock.advance(500);
    await h.idle();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("rejects a negative check interval", () => {
    expect(
      () => new StopWorkerOnRestartSignalListener(new InMemoryRestartSignalStore(), { checkInterval: -1 }),
    ).toThrowError("checkInterval must be a number of milliseconds >= 0, got -1.");
  });
});

describe("StopWorkerOnCustomStopExceptionListener", () => {
  const wrapped = (error: Error) => new HandlerFailedError(Envelope.wrap(new Job()), new Map([["h", error]]));

  it.each([
    ["thrown directly", new StopWorkerError()],
    ["inside a handler failure", wrapped(new StopWorkerError())],
    [
      "two aggregates deep",
      new DelayedMessageHandlingError([wrapped(new StopWorkerError())], Envelope.wrap(new Job())),
    ],
  ])("stops on the running event after a StopWorkerError %s", async (_name, error) => {
    const h = harness();
    new StopWorkerOnCustomStopExceptionListener().register(h.events);
    await h.failed(error);
    expect(h.worker.stop).not.toHaveBeenCalled();
    await h.busy();
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
    await h.busy(); // once only
    expect(h.worker.stop).toHaveBeenCalledTimes(1);
  });

  it("ignores other failures", async () => {
    const h = harness();
    new StopWorkerOnCustomStopExceptionListener().register(h.events);
    await h.failed(wrapped(new Error("plain")));
    await h.busy();
    expect(h.worker.stop).not.toHaveBeenCalled();
  });
});
