import { describe, expect, it } from "vitest";
import {
  BusNameStamp,
  createMessenger,
  defineHandler,
  Envelope,
  systemClock,
  TransportMessageIdStamp,
  Worker,
  WorkerRunningEvent,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Task {
  constructor(readonly n: number) {}
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

async function setup(concurrency: number, count: number) {
  const queue = new QueueTransport();
  for (let n = 1; n <= count; n++)
    await queue.send(Envelope.wrap(new Task(n), [new BusNameStamp("messenger.bus.default")]));
  const gates = new Map<number, Deferred>();
  const running = new Set<number>();
  let maxRunning = 0;
  const messenger = createMessenger({
    handlers: [
      defineHandler(Task, async function task(m: Task) {
        running.add(m.n);
        maxRunning = Math.max(maxRunning, running.size);
        const gate = deferred();
        gates.set(m.n, gate);
        await gate.promise;
        running.delete(m.n);
      }),
    ],
  });
  const events = messenger.events.child();
  events.on(WorkerRunningEvent, (e) => {
    if (e.isWorkerIdle) e.worker.stop();
  });
  const worker = new Worker(new Map([["q", queue]]), messenger.routableBus, events, {
    sleep: 1,
    concurrency,
  });
  return { queue, gates, running, worker, maxRunning: () => maxRunning };
}

describe("Worker concurrency", () => {
  it("runs up to N handlers at once and acks each message when its own handler finishes", async () => {
    const { queue, gates, running, worker, maxRunning } = await setup(3, 5);
    const done = worker.run();
    await tick();
    expect([...running].sort()).toEqual([1, 2, 3]);
    gates.get(2)!.resolve();
    await tick();
    expect(queue.acked.map((e) => e.last(TransportMessageIdStamp)?.id)).toEqual([2]);
    expect([...running].sort()).toEqual([1, 3, 4]);
    for (const n of [3, 1, 4]) {
      gates.get(n)!.resolve();
      await tick();
    }
    gates.get(5)!.resolve();
    await done;
    expect(queue.acked.map((e) => (e.message as Task).n)).toEqual([2, 3, 1, 4, 5]);
    expect(maxRunning()).toBe(3);
  });

  it("handles one message at a time by default", async () => {
    const { gates, running, worker, maxRunning } = await setup(1, 3);
    const done = worker.run();
    for (let n = 1; n <= 3; n++) {
      await tick();
      expect([...running]).toEqual([n]);
      gates.get(n)!.resolve();
    }
    await done;
    expect(maxRunning()).toBe(1);
  });

  it("on stop finishes and acks the messages in hand; on abort leaves them for redelivery", async () => {
    const graceful = await setup(2, 4);
    const run1 = graceful.worker.run();
    await tick();
    graceful.worker.stop();
    for (const n of [1, 2]) graceful.gates.get(n)!.resolve();
    await run1;
    expect(graceful.queue.acked.map((e) => (e.message as Task).n)).toEqual([1, 2]);
    expect(graceful.queue.pending.map((e) => (e.message as Task).n)).toEqual([3, 4]);

    const aborted = await setup(2, 2);
    const run2 = aborted.worker.run();
    await tick();
    aborted.worker.abort();
    await run2;
    for (const n of [1, 2]) aborted.gates.get(n)!.resolve();
    await tick();
    expect(aborted.queue.acked).toEqual([]);
    expect(aborted.queue.rejected).toEqual([]);
    expect(aborted.queue.pending).toHaveLength(2);
  });

  it.each([1, 20])(
    "lets timers and I/O run while it works through a long batch of fast handlers (concurrency %i)",
    async (concurrency) => {
      // Handlers that finish in microtasks would otherwise keep the event loop to themselves until
      // the whole batch is done: a transport's next claim and batched acks could not go out.
      const count = 5_000;
      const queue = new QueueTransport(systemClock, undefined, count);
      for (let n = 1; n <= count; n++)
        await queue.send(Envelope.wrap(new Task(n), [new BusNameStamp("messenger.bus.default")]));
      let handled = 0;
      const messenger = createMessenger({
        handlers: [
          defineHandler(Task, function fast() {
            handled++;
          }),
        ],
      });
      const events = messenger.events.child();
      events.on(WorkerRunningEvent, (e) => {
        if (e.isWorkerIdle) e.worker.stop();
      });
      const worker = new Worker(new Map([["q", queue]]), messenger.routableBus, events, {
        sleep: 1,
        concurrency,
      });
      let handledWhenTheLoopTurned: number | undefined;
      setImmediate(() => {
        handledWhenTheLoopTurned = handled;
      });
      await worker.run();
      expect(handled).toBe(count);
      expect(queue.acked).toHaveLength(count);
      expect(handledWhenTheLoopTurned).toBeLessThan(count);
    },
  );
});

describe("Worker and a ConcurrencyAwareReceiver", () => {
  it("tells the receiver its concurrency before the first fetch", async () => {
    const queue = new QueueTransport();
    const calls: string[] = [];
    const receiver = Object.assign(Object.create(queue) as QueueTransport, {
      setWorkerConcurrency(concurrency: number) {
        calls.push(`concurrency ${concurrency}`);
      },
      get() {
        calls.push("get");
        return queue.get();
      },
    });
    const messenger = createMessenger({});
    const events = messenger.events.child();
    events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle) e.worker.stop();
    });
    const worker = new Worker(new Map([["q", receiver]]), messenger.routableBus, events, {
      sleep: 1,
      concurrency: 7,
    });
    await worker.run();
    expect(calls.slice(0, 2)).toEqual(["concurrency 7", "get"]);
    expect(calls.filter((call) => call.startsWith("concurrency"))).toHaveLength(1);
  });
});
