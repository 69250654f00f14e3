import { describe, expect, it } from "vitest";
import {
  BusNameStamp,
  ConsumedByWorkerStamp,
  createMessenger,
  defineHandler,
  Envelope,
  type EventDispatcher,
  HandledStamp,
  ReceivedStamp,
  type Receiver,
  Worker,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageReceivedEvent,
  type WorkerOptions,
  WorkerRunningEvent,
  WorkerStartedEvent,
  WorkerStoppedEvent,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Job {
  constructor(readonly name: string) {}
}

/** Stops the worker at the first idle round: "consume until the queues are empty". */
function stopWhenIdle(events: EventDispatcher): void {
  events.on(WorkerRunningEvent, (e) => {
    if (e.isWorkerIdle) e.worker.stop();
  });
}

function setup(
  handler: (m: Job) => unknown,
  receivers: Record<string, QueueTransport>,
  options: WorkerOptions = {},
) {
  const messenger = createMessenger({ handlers: [defineHandler(Job, handler, { name: "job" })] });
  const events = messenger.events.child();
  stopWhenIdle(events);
  const worker = new Worker(
    new Map<string, Receiver>(Object.entries(receivers)),
    messenger.routableBus,
    events,
    {
      sleep: 1,
      ...options,
    },
  );
  return { messenger, events, worker };
}

async function enqueue(transport: QueueTransport, ...names: string[]) {
  for (const name of names)
    await transport.send(Envelope.wrap(new Job(name), [new BusNameStamp("messenger.bus.default")]));
}

describe("Worker", () => {
  it("acks handled messages and rejects failed ones, with received and consumed-by-worker stamps", async () => {
    const queue = new QueueTransport();
    await enqueue(queue, "ok", "boom", "ok2");
    const seen: Envelope[] = [];
    const { worker, events } = setup(
      (m) => {
        if (m.name === "boom") throw new Error("boom");
      },
      { async: queue },
    );
    events.on(WorkerMessageFailedEvent, (e) => void seen.push(e.envelope));
    await worker.run();
    expect(queue.acked.map((e) => (e.message as Job).name)).toEqual(["ok", "ok2"]);
    expect(queue.rejected.map((e) => (e.message as Job).name)).toEqual(["boom"]);
    const acked = queue.acked[0]!;
    expect(acked.last(ReceivedStamp)?.transportName).toBe("async");
    expect(acked.has(ConsumedByWorkerStamp)).toBe(true);
    expect(acked.last(HandledStamp)?.handlerName).toBe("job");
    expect(seen[0]?.last(ReceivedStamp)?.transportName).toBe("async");
    expect(queue.pending).toHaveLength(0);
  });

  it("reads transports in priority order, starting again from the first after every batch", async () => {
    const high = new QueueTransport();
    const low = new QueueTransport(undefined, undefined, 1);
    await enqueue(high, "h1");
    await enqueue(low, "l1", "l2");
    const order: string[] = [];
    const { worker } = setup(
      async (m) => {
        order.push(m.name);
        // A high-priority message arriving while a low one is handled is taken next.
        if (m.name === "l1") await enqueue(high, "h2");
      },
      { high, low },
    );
    await worker.run();
    expect(order).toEqual(["h1", "l1", "h2", "l2"]);
  });

  it("emits started, received, handled, running and stopped events", async () => {
    const queue = new QueueTransport();
    await enqueue(queue, "a");
    const { worker, events } = setup(() => {}, { async: queue });
    const log: string[] = [];
    events.on(WorkerStartedEvent, () => void log.push("started"));
    events.on(WorkerMessageReceivedEvent, () => void log.push("received"));
    events.on(WorkerMessageHandledEvent, () => void log.push("handled"));
    events.on(WorkerRunningEvent, (e) => void log.push(e.isWorkerIdle ? "idle" : "running"));
    events.on(WorkerStoppedEvent, () => void log.push("stopped"));
    await worker.run();
    expect(log).toEqual(["started", "received", "handled", "running", "idle", "stopped"]);
  });

  it("emits the received and handled events to listeners added while it runs, from the next message on", async () => {
    const queue = new QueueTransport();
    await enqueue(queue, "first", "second");
    const log: string[] = [];
    const { worker, events } = setup(
      (m) => {
        log.push(`handle ${m.name}`);
        if (m.name !== "first") return;
        // Without listeners the worker builds neither event; it looks again for every message.
        events.on(
          WorkerMessageReceivedEvent,
          (e) => void log.push(`received ${(e.envelope.message as Job).name}`),
        );
        events.on(
          WorkerMessageHandledEvent,
          (e) => void log.push(`handled ${(e.envelope.message as Job).name}`),
        );
      },
      { async: queue },
    );
    await worker.run();
    expect(log).toEqual([
      "handle first",
      "handled first",
      "received second",
      "handle second",
      "handled second",
    ]);
  });

  it("lets a received-event listener add stamps or take the message over", async () => {
    const queue = new QueueTransport();
    await enqueue(queue, "keep", "veto");
    const { worker, events } = setup(() => {}, { async: queue });
    events.on(WorkerMessageReceivedEvent, (e) => {
      if ((e.envelope.message as Job).name === "veto") e.shouldHandle(false);
      else e.addStamps(new BusNameStamp("messenger.bus.default"));
    });
    await worker.run();
    expect(queue.acked.map((e) => (e.message as Job).name)).toEqual(["keep"]);
    expect(queue.acked[0]!.all(BusNameStamp)).toHaveLength(2);
    expect(queue.rejected).toHaveLength(0);
    expect(queue.pending.map((e) => (e.message as Job).name)).toEqual(["veto"]);
  });

  it("keeps running when a receiver fails, and tries again", async () => {
    const queue = new QueueTransport();
    queue.getError = new Error("connection reset");
    await enqueue(queue, "a");
    const handled: string[] = [];
    const messenger = createMessenger({
      handlers: [defineHandler(Job, (m: Job) => void handled.push(m.name), { name: "job" })],
    });
    const events = messenger.events.child();
    let idleRounds = 0;
    events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle && ++idleRounds === 2) e.worker.stop();
    });
    await new Worker(new Map([["async", queue]]), messenger.routableBus, events, { sleep: 1 }).run();
    expect(handled).toEqual(["a"]);
  });

  it("does not reject a failed message when the failure listeners could not store its retry", async () => {
    const queue = new QueueTransport();
    await enqueue(queue, "boom");
    const { worker, events } = setup(
      () => {
        throw new Error("boom");
      },
      { async: queue },
    );
    events.on(WorkerMessageFailedEvent, () => {
      throw new Error("database down");
    });
    await worker.run();
    expect(queue.rejected).toHaveLength(0);
    expect(queue.pending).toHaveLength(1);
  });

  it("dispatches on the bus named by the message, or on a forced bus", async () => {
    const calls: string[] = [];
    const messenger = createMessenger({
      defaultBus: "command.bus",
      buses: { "command.bus": {}, "event.bus": {} },
      handlers: [
        defineHandler(Job, () => void calls.push("command"), { name: "c", bus: "command.bus" }),
        defineHandler(Job, () => void calls.push("event"), { name: "e", bus: "event.bus" }),
      ],
    });
    const queue = new QueueTransport();
    await queue.send(Envelope.wrap(new Job("x"), [new BusNameStamp("event.bus")]));
    const events = messenger.events.child();
    stopWhenIdle(events);
    await new Worker(new Map([["q", queue]]), messenger.routableBus, events, { sleep: 1 }).run();
    await queue.send(Envelope.wrap(new Job("y"), [new BusNameStamp("event.bus")]));
    await new Worker(new Map([["q", queue]]), messenger.routableBus, events, {
      sleep: 1,
      bus: messenger.getBus("command.bus"),
    }).run();
    expect(calls).toEqual(["event", "command"]);
  });

  it("rejects --queues on receivers that cannot do it", async () => {
    const { worker } = setup(() => {}, { async: new QueueTransport() }, { queues: ["high"] });
    await expect(worker.run()).rejects.toThrowError(
      /Receiver "async" does not support consuming from queues/,
    );
  });

  it("validates concurrency", () => {
    expect(() => setup(() => {}, { async: new QueueTransport() }, { concurrency: 0 })).toThrowError(
      /Concurrency must be a whole number >= 1, got 0/,
    );
  });
});

describe("Worker idle wait", () => {
  it("wakes as soon as a receiver announces a message, without waiting for the sleep to end", async () => {
    const queue = Object.assign(new QueueTransport(), {
      waiters: 0,
      wake: undefined as (() => void) | undefined,
      waitForMessages(_max: number, signal: AbortSignal) {
        this.waiters++;
        return new Promise<void>((resolve) => {
          this.wake = resolve;
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
      },
    });
    const handled: string[] = [];
    const messenger = createMessenger({
      handlers: [defineHandler(Job, (m: Job) => void handled.push(m.name), { name: "job" })],
    });
    const worker = new Worker(new Map([["q", queue]]), messenger.routableBus, messenger.events.child(), {
      sleep: 3_600_000,
    });
    const run = worker.run();
    await new Promise((r) => setTimeout(r, 10));
    expect(queue.waiters).toBe(1);
    await enqueue(queue, "late");
    queue.wake!();
    for (let i = 0; i < 100 && handled.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(handled).toEqual(["late"]);
    worker.stop();
    await run;
  });
});
