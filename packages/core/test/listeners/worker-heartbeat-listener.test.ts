import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { WorkerHeartbeatListener } from "../../src/entry-points/worker.js";
import {
  BusNameStamp,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  InMemoryThroughputStore,
  InMemoryWorkerRegistry,
  isWorkerRegistry,
  THROUGHPUT_BUCKET,
  type ThroughputBucket,
  type Transport,
  type TransportFactory,
  type WorkerHeartbeat,
  WorkerMessageHandledEvent,
  type WorkerRegistry,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Ping {
  constructor(readonly fail = false) {}
}

/** A queue transport that keeps heartbeats too, as the durable transports do. */
class RegistryQueue extends QueueTransport implements WorkerRegistry {
  readonly registry: InMemoryWorkerRegistry;
  readonly seen: WorkerHeartbeat[] = [];
  failBeats = false;
  constructor(clock: FakeClock) {
    super();
    this.registry = new InMemoryWorkerRegistry(clock);
  }
  async beatWorker(heartbeat: WorkerHeartbeat, ttl: number) {
    if (this.failBeats) throw new Error("backend down");
    this.seen.push(heartbeat);
    await this.registry.beatWorker(heartbeat, ttl);
  }
  listWorkers() {
    return this.registry.listWorkers();
  }
  removeWorker(id: string) {
    return this.registry.removeWorker(id);
  }
}

/** A registry queue that keeps throughput too, as the PostgreSQL, SQLite and Redis transports do. */
class ThroughputQueue extends RegistryQueue {
  readonly store: InMemoryThroughputStore;
  failRecords = false;
  constructor(clock: FakeClock) {
    super(clock);
    this.store = new InMemoryThroughputStore(clock);
  }
  async recordThroughput(buckets: readonly ThroughputBucket[], now: number) {
    if (this.failRecords) throw new Error("backend down");
    await this.store.recordThroughput(buckets, now);
  }
  readThroughput(transports: readonly string[], since: number) {
    return this.store.readThroughput(transports, since);
  }
}

function factoryOf(transports: Record<string, Transport>): TransportFactory {
  return {
    schemes: ["test"],
    supports: (dsn) => dsn.startsWith("test://"),
    createTransport: (_dsn, _options, context) => transports[context.name]!,
  };
}

function heartbeat(id: string, startedAt: number): WorkerHeartbeat {
  return {
    id,
    host: "h",
    pid: 1,
    transports: ["async"],
    concurrency: 1,
    handled: 0,
    failed: 0,
    memory: 1,
    startedAt,
    lastSeenAt: startedAt,
  };
}

describe("InMemoryWorkerRegistry", () => {
  it("lists live workers oldest first, drops one not beaten within its ttl, forgets a removed one", async () => {
    const clock = new FakeClock(1_000_000);
    const registry = new InMemoryWorkerRegistry(clock);
    expect(isWorkerRegistry(registry)).toBe(true);
    await registry.beatWorker(heartbeat("b", 20), 3_000);
    await registry.beatWorker(heartbeat("a", 10), 3_000);
    await registry.beatWorker(heartbeat("c", 30), 3_000);
    expect((await registry.listWorkers()).map((w) => w.id)).toEqual(["a", "b", "c"]);
    await clock.advance(2_000);
    await registry.beatWorker({ ...heartbeat("a", 10), handled: 5 }, 3_000);
    await registry.removeWorker("c");
    await registry.removeWorker("unknown");
    await clock.advance(1_500);
    // b's last beat is 3.5 s old, a's 1.5 s.
    expect(await registry.listWorkers()).toEqual([{ ...heartbeat("a", 10), handled: 5 }]);
  });
});

describe("WorkerHeartbeatListener through createWorker", () => {
  it("beats at start with the worker's facts, and removes the record at a clean stop", async () => {
    const clock = new FakeClock(5_000_000);
    const queue = new RegistryQueue(clock);
    for (const fail of [false, true, false]) {
      await queue.send(Envelope.wrap(new Ping(fail), [new BusNameStamp("messenger.bus.default")]));
    }
    const messenger = createMessenger({
      clock,
      transportFactories: [factoryOf({ q: queue })],
      transports: { q: { dsn: "test://", retryStrategy: { maxRetries: 0 } } },
      handlers: [
        defineHandler(Ping, function ping(message: Ping) {
          if (message.fail) throw new Error("boom");
        }),
      ],
    });
    let during: WorkerHeartbeat[] = [];
    messenger.events.on(WorkerMessageHandledEvent, async () => {
      during = await queue.listWorkers();
    });
    const worker = createWorker(messenger, { receivers: ["q"], limit: 3, concurrency: 2 });
    await worker.run();
    // Listed while it ran, gone once it stopped.
    expect(during).toHaveLength(1);
    expect(during[0]).toMatchObject({
      host: hostname(),
      pid: process.pid,
      transports: ["q"],
      concurrency: 2,
      startedAt: worker.metadata.startedAt,
    });
    expect(during[0]!.id).toContain(`${hostname()}:${process.pid}:`);
    expect(during[0]!.memory).toBeGreaterThan(0);
    expect(await queue.listWorkers()).toEqual([]);
    expect(queue.seen.length).toBeGreaterThanOrEqual(1);
  });

  it("counts handled and failed messages in the next heartbeat", async () => {
    const clock = new FakeClock(5_000_000);
    const queue = new RegistryQueue(clock);
    for (const fail of [false, true, false]) {
      await queue.send(Envelope.wrap(new Ping(fail), [new BusNameStamp("messenger.bus.default")]));
    }
    const messenger = createMessenger({
      clock,
      transportFactories: [factoryOf({ q: queue })],
      transports: { q: { dsn: "test://", retryStrategy: { maxRetries: 0 } } },
      handlers: [
        defineHandler(Ping, function ping(message: Ping) {
          if (message.fail) throw new Error("boom");
        }),
      ],
    });
    const listener = new WorkerHeartbeatListener(new Map([["q", queue]]), { interval: 60_000, clock });
    const off = listener.register(messenger.events);
    const worker = createWorker(messenger, { receivers: ["q"], limit: 3, heartbeatInterval: false });
    await worker.run();
    off();
    // The stop removed the record; a beat after it is not sent (the worker is gone).
    await listener.beat();
    expect(await queue.listWorkers()).toEqual([]);
    expect(listener.heartbeat()).toMatchObject({ handled: 2, failed: 1, transports: ["q"] });
  });

  it("a failing registry is logged once per outage and never reaches handling", async () => {
    const clock = new FakeClock(5_000_000);
    const queue = new RegistryQueue(clock);
    queue.failBeats = true;
    const warnings: string[] = [];
    const infos: string[] = [];
    const logger = {
      debug() {},
      info: (_: unknown, message?: string) => void infos.push(String(message)),
      warn: (_: unknown, message?: string) => void warnings.push(String(message)),
      error() {},
    };
    const listener = new WorkerHeartbeatListener(new Map([["q", queue]]), { clock, logger: logger as never });
    await listener.beat();
    await listener.beat();
    expect(warnings).toEqual([
      "Could not publish the worker heartbeat; messenger:workers may not list this worker",
    ]);
    queue.failBeats = false;
    await listener.beat();
    expect(infos).toEqual(["Worker heartbeat published again"]);
    expect(await queue.listWorkers()).toHaveLength(1);
  });

  it("createWorker publishes nothing with heartbeatInterval: false, and refuses a timeout not above the interval", async () => {
    const clock = new FakeClock(5_000_000);
    const queue = new RegistryQueue(clock);
    await queue.send(Envelope.wrap(new Ping(), [new BusNameStamp("messenger.bus.default")]));
    const messenger = createMessenger({
      clock,
      transportFactories: [factoryOf({ q: queue })],
      transports: { q: "test://" },
      handlers: [defineHandler(Ping, function ping() {})],
    });
    await createWorker(messenger, { receivers: ["q"], limit: 1, heartbeatInterval: false }).run();
    expect(queue.seen).toEqual([]);
    expect(() =>
      createWorker(messenger, { receivers: ["q"], heartbeatInterval: 1000, heartbeatTimeout: 1000 }),
    ).toThrow(
      expect.objectContaining({
        code: "INVALID_WORKER_OPTION",
        message: expect.stringContaining("got 1000"),
      }),
    );
  });

  it("records handled and failed per transport and minute with the beat, keeps them through a failed write, and flushes at stop", async () => {
    const clock = new FakeClock(50 * THROUGHPUT_BUCKET + 30_000);
    const queue = new ThroughputQueue(clock);
    const plain = new RegistryQueue(clock);
    const messenger = createMessenger({
      clock,
      transportFactories: [factoryOf({ q: queue, p: plain })],
      transports: { q: { dsn: "test://", retryStrategy: { maxRetries: 0 } }, p: "test://" },
      handlers: [
        defineHandler(Ping, function ping(message: Ping) {
          if (message.fail) throw new Error("boom");
        }),
      ],
    });
    const send = async (transport: RegistryQueue, ...fails: boolean[]) => {
      for (const fail of fails) {
        await transport.send(Envelope.wrap(new Ping(fail), [new BusNameStamp("messenger.bus.default")]));
      }
    };
    const listener = new WorkerHeartbeatListener(
      new Map<string, WorkerRegistry>([
        ["q", queue],
        ["p", plain],
      ]),
      { interval: 60_000, clock },
    );
    const off = listener.register(messenger.events);
    const run = (limit: number) =>
      createWorker(messenger, { receivers: ["q", "p"], limit, heartbeatInterval: false }).run();
    const minute = 50 * THROUGHPUT_BUCKET;

    await send(queue, false, true, false);
    await send(plain, false);
    queue.failRecords = true;
    await run(4);
    // The stop's write failed: the counts wait for the next one.
    expect(await queue.readThroughput(["q", "p"], 0)).toEqual([]);
    queue.failRecords = false;
    await clock.advance(THROUGHPUT_BUCKET);
    await send(queue, true);
    await run(1);
    off();
    expect(await queue.readThroughput(["q", "p"], 0)).toEqual([
      { transport: "q", minute, handled: 2, failed: 1 },
      { transport: "q", minute: minute + THROUGHPUT_BUCKET, handled: 0, failed: 1 },
    ]);
  });
});
