import { describe, expect, it } from "vitest";
import { StopWorkerOnTimeLimitListener } from "../../src/entry-points/worker.js";
import {
  BusNameStamp,
  createMessenger,
  defineHandler,
  Envelope,
  type EventClass,
  type EventDispatcher,
  LogicError,
  type Receiver,
  TransportAuthenticationError,
  TransportMessageIdStamp,
  TransportOutageLimitError,
  Worker,
  WorkerMessageAbandonedEvent,
  type WorkerOptions,
  WorkerStopTimeoutError,
  WorkerTransportFailedEvent,
  WorkerTransportRecoveredEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/fake-clock.js";
import { QueueTransport } from "../fixtures/queue-transport.js";
import { recordingLogger } from "../listeners/support.js";

class Job {
  constructor(readonly n: number) {}
}

function job(n: number): Envelope {
  return Envelope.wrap(new Job(n), [
    new BusNameStamp("messenger.bus.default"),
    new TransportMessageIdStamp(n),
  ]);
}

function setup(
  handler: (m: Job) => unknown,
  receiver: Receiver,
  options: WorkerOptions & { clock: FakeClock },
) {
  const messenger = createMessenger({ handlers: [defineHandler(Job, handler, { name: "job" })] });
  const events = messenger.events.child();
  const logger = recordingLogger();
  const worker = new Worker(new Map([["async", receiver]]), messenger.routableBus, events, {
    sleep: 1_000,
    logger,
    ...options,
  });
  return { events, worker, logger };
}

/** Moves the fake clock on, a second at a time, until `run` settles; returns how it settled. */
async function settle(run: Promise<void>, clock: FakeClock, maxSeconds = 3_600): Promise<unknown> {
  let outcome: { error?: unknown } | undefined;
  run.then(
    () => (outcome = {}),
    (error: unknown) => (outcome = { error }),
  );
  for (let i = 0; i < maxSeconds && !outcome; i++) await clock.advance(1_000);
  if (!outcome) throw new Error(`the worker was still running after ${maxSeconds} s`);
  return outcome.error;
}

/** A receiver whose get() fails with the errors given, in turn, then answers nothing. */
class FailingReceiver implements Receiver {
  gets = 0;
  constructor(private readonly failures: () => Error | undefined) {}
  async get(): Promise<readonly Envelope[]> {
    this.gets++;
    const error = this.failures();
    if (error) throw error;
    return [];
  }
  async ack(): Promise<void> {}
  async reject(): Promise<void> {}
}

function record<T extends object>(events: EventDispatcher, type: EventClass<T>): T[] {
  const seen: T[] = [];
  events.on(type, (event) => void seen.push(event));
  return seen;
}

describe("Worker grace period", () => {
  it("aborts after the grace period, logs the abandoned message and rejects with WorkerStopTimeoutError", async () => {
    const clock = new FakeClock();
    const queue = new QueueTransport(clock);
    await queue.send(job(1));
    await queue.send(job(2)); // fetched with 1, waits for the only slot: handed back, not abandoned
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const { worker, events, logger } = setup(
      () => {
        started();
        return new Promise(() => {}); // hangs forever
      },
      queue,
      { clock, gracePeriod: 5_000 },
    );
    const abandoned = record(events, WorkerMessageAbandonedEvent);
    const run = worker.run();
    await handlerStarted;
    worker.stop();
    const error = await settle(run, clock);
    expect(error).toBeInstanceOf(WorkerStopTimeoutError);
    expect((error as WorkerStopTimeoutError).code).toBe("WORKER_STOP_TIMEOUT");
    expect((error as WorkerStopTimeoutError).abandoned).toBe(1);
    expect(abandoned.map((e) => (e.envelope.message as Job).n)).toEqual([1]);
    expect(queue.released.map((e) => (e.message as Job).n)).toEqual([2]);
    expect(logger.lines.filter((l) => l.message.startsWith("Abandoned message"))).toHaveLength(1);
    const line = logger.lines.find((l) => l.message.startsWith("Abandoned message"));
    expect(line).toMatchObject({ level: "error", context: { transport: "async", class: "Job" } });
    // Neither acknowledged nor rejected: it stays claimed for redelivery.
    expect(queue.acked).toHaveLength(0);
    expect(queue.rejected).toHaveLength(0);
  });

  it("abort() abandons the message in its handler, not those still waiting for a slot", async () => {
    const clock = new FakeClock();
    const queue = new QueueTransport(clock);
    await queue.send(job(1));
    await queue.send(job(2));
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const { worker, events, logger } = setup(
      () => {
        started();
        return new Promise(() => {});
      },
      queue,
      { clock },
    );
    const abandoned = record(events, WorkerMessageAbandonedEvent);
    const run = worker.run();
    await handlerStarted;
    worker.abort();
    expect(await settle(run, clock)).toBeUndefined();
    await clock.advance(0);
    expect(abandoned.map((e) => (e.envelope.message as Job).n)).toEqual([1]);
    expect(logger.lines.filter((l) => l.message.startsWith("Abandoned message"))).toHaveLength(1);
    expect(queue.released.map((e) => (e.message as Job).n)).toEqual([2]);
  });

  it("a stop whose handlers finish within the grace period resolves normally", async () => {
    const clock = new FakeClock();
    const queue = new QueueTransport(clock);
    await queue.send(job(1));
    let finish!: () => void;
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const { worker, events } = setup(
      () => {
        started();
        return new Promise<void>((resolve) => (finish = resolve));
      },
      queue,
      { clock, gracePeriod: 5_000 },
    );
    const abandoned = record(events, WorkerMessageAbandonedEvent);
    const run = worker.run();
    await handlerStarted;
    worker.stop();
    await clock.advance(4_000);
    finish();
    expect(await settle(run, clock)).toBeUndefined();
    expect(queue.acked).toHaveLength(1);
    expect(abandoned).toHaveLength(0);
  });

  it("refuses a negative grace period, naming the value", () => {
    const clock = new FakeClock();
    expect(() => setup(() => {}, new QueueTransport(clock), { clock, gracePeriod: -1 })).toThrow(
      /gracePeriod.*>= 0, got -1/,
    );
    expect(() => setup(() => {}, new QueueTransport(clock), { clock, outageLimit: 0 })).toThrow(LogicError);
  });
});

describe("Worker and a hanging transport", () => {
  it("the time limit stops a worker whose get() never answers; what it returns later is handed back", async () => {
    const clock = new FakeClock();
    let answer!: (envelopes: readonly Envelope[]) => void;
    const released: Envelope[] = [];
    const receiver = {
      get: () => new Promise<readonly Envelope[]>((resolve) => (answer = resolve)),
      ack: async () => {},
      reject: async () => {},
      release: async (envelopes: readonly Envelope[]) => void released.push(...envelopes),
    };
    const { worker, events } = setup(() => {}, receiver, { clock });
    new StopWorkerOnTimeLimitListener(10_000, { clock }).register(events);
    const run = worker.run();
    expect(await settle(run, clock, 60)).toBeUndefined();
    expect(clock.now() - worker.metadata.startedAt).toBeLessThanOrEqual(11_000);
    answer([job(7)]);
    await clock.advance(0);
    expect(released.map((e) => (e.message as Job).n)).toEqual([7]);
  });
});

describe("Worker and a failing transport", () => {
  it("reports the first failure, then a reminder per interval, and the recovery", async () => {
    const clock = new FakeClock();
    let failing = true;
    const receiver = new FailingReceiver(() => (failing ? new Error("connect ECONNREFUSED") : undefined));
    const { worker, events, logger } = setup(() => {}, receiver, { clock, outageReportInterval: 30_000 });
    const failed = record(events, WorkerTransportFailedEvent);
    const recovered = record(events, WorkerTransportRecoveredEvent);
    const run = worker.run();
    for (let i = 0; i < 65; i++) await clock.advance(1_000);
    expect(receiver.gets).toBeGreaterThan(60);
    // One report at the start and one per 30 s: not one per attempt.
    expect(failed.map((e) => [e.transportName, e.operation, e.isFirstFailure])).toEqual([
      ["async", "receive", true],
      ["async", "receive", false],
      ["async", "receive", false],
    ]);
    expect(failed[1]!.downFor).toBeGreaterThanOrEqual(30_000);
    expect(failed[0]!.error.message).toBe("connect ECONNREFUSED");
    failing = false;
    await clock.advance(1_000);
    await clock.advance(1_000);
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.downFor).toBeGreaterThanOrEqual(65_000);
    expect(logger.lines.some((l) => /reachable again after \d+ s/.test(l.message))).toBe(true);
    worker.stop();
    expect(await settle(run, clock)).toBeUndefined();
  });

  it("stops with TransportOutageLimitError once get() failed for longer than the outage limit", async () => {
    const clock = new FakeClock();
    const receiver = new FailingReceiver(() => new Error("connect ECONNREFUSED"));
    const { worker } = setup(() => {}, receiver, { clock, outageLimit: 20_000 });
    const error = await settle(worker.run(), clock);
    expect(error).toBeInstanceOf(TransportOutageLimitError);
    expect((error as TransportOutageLimitError).code).toBe("TRANSPORT_OUTAGE_LIMIT");
    expect((error as TransportOutageLimitError).transportName).toBe("async");
    expect((error as Error).message).toMatch(/outage limit of 20 s.*ECONNREFUSED/);
    expect(clock.now() - worker.metadata.startedAt).toBeLessThanOrEqual(25_000);
  });

  it("a success within the outage limit starts the count again", async () => {
    const clock = new FakeClock();
    let attempt = 0;
    // Fails 15 times, succeeds once, fails again: never 20 s without a success.
    const receiver = new FailingReceiver(() => (++attempt % 16 === 0 ? undefined : new Error("down")));
    const { worker } = setup(() => {}, receiver, { clock, outageLimit: 20_000 });
    const run = worker.run();
    let outcome: unknown = "running";
    run.then(
      () => (outcome = "resolved"),
      (error: unknown) => (outcome = error),
    );
    for (let i = 0; i < 60; i++) await clock.advance(1_000);
    expect(outcome).toBe("running");
    worker.stop();
    expect(await settle(run, clock)).toBeUndefined();
  });

  it("stops at once, failing with it, when get() throws an authentication error", async () => {
    const clock = new FakeClock();
    const refused = new TransportAuthenticationError('Transport "async": the server refused the password.');
    const receiver = new FailingReceiver(() => refused);
    const { worker } = setup(() => {}, receiver, { clock, outageLimit: 300_000 });
    expect(await settle(worker.run(), clock)).toBe(refused);
    expect(receiver.gets).toBe(1);
  });

  it("stops starting a fetched batch once an acknowledgement fails, and hands back the rest", async () => {
    const clock = new FakeClock();
    const queue = new QueueTransport(clock, undefined, 50);
    for (let n = 1; n <= 50; n++) await queue.send(job(n));
    const ackAttempts: number[] = [];
    queue.ack = async (envelope: Envelope) => {
      ackAttempts.push((envelope.message as Job).n);
      throw new Error("connection terminated");
    };
    const handled: number[] = [];
    const { worker, events, logger } = setup(
      async (m) => {
        handled.push(m.n);
        // A handler that does I/O: the failed acknowledgement comes back while the batch goes on.
        await new Promise((resolve) => setImmediate(resolve));
      },
      queue,
      { clock },
    );
    const failed = record(events, WorkerTransportFailedEvent);
    const run = worker.run();
    for (let i = 0; i < 1_000 && queue.released.length === 0; i++) await new Promise(setImmediate);
    worker.stop();
    expect(await settle(run, clock)).toBeUndefined();
    const released = queue.released.map((e) => (e.message as Job).n);
    expect(released.length).toBeGreaterThan(0);
    // Nothing lost: every message was handled (and stays claimed) or handed back, none both.
    expect([...handled, ...released].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const warnings = logger.lines.filter((l) =>
      l.message.startsWith("Acknowledgements to the transport fail"),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.context).toMatchObject({ transport: "async", count: released.length });
    expect(failed[0]).toMatchObject({ transportName: "async", operation: "acknowledge" });
  });
});
