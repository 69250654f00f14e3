import { describe, expect, it } from "vitest";
import {
  InMemoryConcurrencyLeaseStore,
  InMemoryTransportPauseStore,
  SharedConcurrencyLimiter,
  type TransportPauseStore,
} from "../../src/entry-points/transport.js";
import {
  BusNameStamp,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  isTransportPaused,
  MessengerError,
  pauseTransports,
  resumeTransports,
  type TransportFactory,
  Worker,
  WorkerTransportPausedEvent,
  WorkerTransportResumedEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Job {
  constructor(readonly n: number) {}
}

/** A queue whose pause state lives in a store shared with the other queues of its "backend". */
class PausableQueue extends QueueTransport implements TransportPauseStore {
  constructor(readonly pauses: InMemoryTransportPauseStore) {
    super();
  }
  pauseTransport(name: string) {
    return this.pauses.pauseTransport(name);
  }
  resumeTransport(name: string) {
    return this.pauses.resumeTransport(name);
  }
  getPausedTransports() {
    return this.pauses.getPausedTransports();
  }
}

const envelope = (n: number) => Envelope.wrap(new Job(n), [new BusNameStamp("messenger.bus.default")]);
const numbers = (queue: QueueTransport) => queue.acked.map((e) => (e.message as Job).n).sort((a, b) => a - b);

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("pausing a transport", () => {
  it("a paused transport is not fetched while the other one is handled; resumed, it is; the worker says both", async () => {
    const store = new InMemoryTransportPauseStore();
    const paused = new PausableQueue(store);
    const other = new PausableQueue(store);
    const factory: TransportFactory = {
      schemes: ["test"],
      supports: (dsn) => dsn.startsWith("test://"),
      createTransport: (dsn) => (dsn === "test://paused" ? paused : other),
    };
    const messenger = createMessenger({
      transportFactories: [factory],
      transports: { paused: "test://paused", other: "test://other" },
      handlers: [defineHandler(Job, () => {}, { name: "job" })],
    });
    await pauseTransports(messenger, ["paused"]);
    expect(await isTransportPaused(messenger, "paused")).toBe(true);
    expect(await isTransportPaused(messenger, "other")).toBe(false);
    for (const n of [1, 2]) await paused.send(envelope(n));
    for (const n of [11, 12]) await other.send(envelope(n));
    const seen: string[] = [];
    messenger.events.on(WorkerTransportPausedEvent, (e) => void seen.push(`paused ${e.transportName}`));
    messenger.events.on(WorkerTransportResumedEvent, (e) => void seen.push(`resumed ${e.transportName}`));

    const worker = createWorker(messenger, { receivers: ["paused", "other"], sleep: 10 });
    const run = worker.run();
    await waitFor(() => other.acked.length === 2, "the other transport's messages");
    // Several more rounds: a worker that fetched the paused transport would have taken them by now.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(paused.acked, "nothing fetched from the paused transport").toEqual([]);
    expect(paused.pending).toHaveLength(2);
    expect(seen).toEqual(["paused paused"]);

    await resumeTransports(messenger, ["paused"]);
    await waitFor(() => paused.acked.length === 2, "the resumed transport's messages");
    expect(seen).toEqual(["paused paused", "resumed paused"]);
    worker.stop();
    await run;
    expect(numbers(paused)).toEqual([1, 2]);
    expect(numbers(other)).toEqual([11, 12]);
  });

  it("after the first look, rounds do not wait for the pause store: a slow read delays no fetch", async () => {
    const queue = new PausableQueue(new InMemoryTransportPauseStore());
    let reads = 0;
    let answerRead!: () => void;
    const held = new Promise<void>((resolve) => {
      answerRead = resolve;
    });
    // The first read answers at once; the next ones only when the test lets them.
    queue.getPausedTransports = async () => {
      if (reads++ > 0) await held;
      return [];
    };
    const messenger = createMessenger({ handlers: [defineHandler(Job, () => {}, { name: "job" })] });
    await queue.send(envelope(1));
    const worker = new Worker(new Map([["q", queue]]), messenger.routableBus, messenger.events.child(), {
      sleep: 10,
    });
    const run = worker.run();
    await waitFor(() => queue.acked.length === 1, "the first message");
    await waitFor(() => reads >= 2, "a second look at the pause state (one per 10 ms sleep)");
    await queue.send(envelope(2));
    await waitFor(() => queue.acked.length === 2, "the message sent while the pause store does not answer");
    expect(reads, "one look at a time").toBe(2);
    answerRead();
    worker.stop();
    await run;
    expect(numbers(queue)).toEqual([1, 2]);
  });

  it("a message in its handler when the transport is paused finishes and is acknowledged", async () => {
    const store = new InMemoryTransportPauseStore();
    const queue = new PausableQueue(store);
    let release!: () => void;
    const running = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    const messenger = createMessenger({
      handlers: [
        defineHandler(
          Job,
          async () => {
            started = true;
            await running;
          },
          { name: "job" },
        ),
      ],
    });
    await queue.send(envelope(1));
    await queue.send(envelope(2));
    const worker = new Worker(new Map([["q", queue]]), messenger.routableBus, messenger.events.child(), {
      sleep: 10,
    });
    const run = worker.run();
    await waitFor(() => started, "the first handler");
    await queue.pauseTransport("q");
    release();
    await waitFor(() => queue.acked.length >= 1, "the handler in flight to finish");
    // The second message was fetched with the first (one batch): it is started or handed back,
    // never lost; once paused, nothing new is fetched.
    worker.stop();
    await run;
    expect(queue.acked.map((e) => (e.message as Job).n)).toContain(1);
  });

  it("refuses, naming it, a transport whose backend keeps no pause state, and pauses nothing", async () => {
    const plain = new QueueTransport();
    const pausable = new PausableQueue(new InMemoryTransportPauseStore());
    const factory: TransportFactory = {
      schemes: ["test"],
      supports: (dsn) => dsn.startsWith("test://"),
      createTransport: (dsn) => (dsn === "test://plain" ? plain : pausable),
    };
    const messenger = createMessenger({
      transportFactories: [factory],
      transports: { plain: "test://plain", pausable: "test://pausable" },
    });
    const error = await pauseTransports(messenger, ["pausable", "plain"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessengerError);
    expect((error as MessengerError).code).toBe("TRANSPORT_NOT_PAUSABLE");
    expect((error as Error).message).toContain('Transport "plain" cannot be paused');
    expect(await pausable.getPausedTransports(), "checked before anything was paused").toEqual([]);
    expect(await isTransportPaused(messenger, "plain")).toBeUndefined();
  });
});

describe("a concurrency limit shared by workers", () => {
  it("two workers with four slots each never run more than the limit's two handlers at once, and both reach it", async () => {
    const queue = new QueueTransport();
    for (let n = 1; n <= 16; n++) await queue.send(envelope(n));
    let inHandlers = 0;
    let most = 0;
    const messenger = createMessenger({
      handlers: [
        defineHandler(
          Job,
          async () => {
            inHandlers++;
            most = Math.max(most, inHandlers);
            await new Promise((resolve) => setTimeout(resolve, 5));
            inHandlers--;
          },
          { name: "job" },
        ),
      ],
    });
    // Two limiters on one store: what two processes on one backend have.
    const leases = new InMemoryConcurrencyLeaseStore();
    const worker = () =>
      new Worker(new Map([["q", queue]]), messenger.routableBus, messenger.events.child(), {
        sleep: 5,
        concurrency: 4,
        concurrencyLimiters: new Map([["q", new SharedConcurrencyLimiter(leases, "q", 2)]]),
      });
    const workers = [worker(), worker()];
    const runs = workers.map((w) => w.run());
    await waitFor(() => queue.acked.length === 16, "every message");
    for (const w of workers) w.stop();
    await Promise.all(runs);
    expect(most).toBe(2);
    expect(numbers(queue)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    // Every lease was given back: the next taker finds both slots free.
    expect(await leases.acquireLease("q", 2, "a", 1_000)).toBe(true);
    expect(await leases.acquireLease("q", 2, "b", 1_000)).toBe(true);
  });

  it("a limiter renews the leases it holds, so a slot outlives its lease timeout while held; a released one is free", async () => {
    const clock = new FakeClock(0);
    const leases = new InMemoryConcurrencyLeaseStore(clock);
    let renewals = 0;
    const counting = {
      acquireLease: leases.acquireLease.bind(leases),
      releaseLease: leases.releaseLease.bind(leases),
      renewLeases: (...args: Parameters<InMemoryConcurrencyLeaseStore["renewLeases"]>) => {
        renewals++;
        return leases.renewLeases(...args);
      },
    };
    const limiter = new SharedConcurrencyLimiter(counting, "q", 1, { leaseTimeout: 300 });
    const lease = await limiter.tryAcquire();
    expect(lease).toBeDefined();
    expect(await limiter.tryAcquire(), "the only slot is held").toBeUndefined();
    await clock.advance(200);
    const before = renewals;
    await waitFor(() => renewals > before, "a renewal");
    // Past the first lease's expiry (300), within the renewed one's (200 + 300).
    await clock.advance(200);
    expect(await leases.acquireLease("q", 1, "another worker", 300), "a held lease is renewed").toBe(false);
    await lease!.release();
    expect(await leases.acquireLease("q", 1, "another worker", 300), "released, the slot is free").toBe(true);
  });

  it("a limiter whose store cannot be reached counts as full: nothing starts until it answers", async () => {
    const queue = new QueueTransport();
    await queue.send(envelope(1));
    const leases = new InMemoryConcurrencyLeaseStore();
    let down = true;
    let asked = 0;
    const flaky = {
      acquireLease: (...args: Parameters<InMemoryConcurrencyLeaseStore["acquireLease"]>) => {
        asked++;
        return down ? Promise.reject(new Error("store down")) : leases.acquireLease(...args);
      },
      renewLeases: leases.renewLeases.bind(leases),
      releaseLease: leases.releaseLease.bind(leases),
    };
    const warnings: string[] = [];
    const messenger = createMessenger({ handlers: [defineHandler(Job, () => {}, { name: "job" })] });
    const worker = new Worker(new Map([["q", queue]]), messenger.routableBus, messenger.events.child(), {
      sleep: 5,
      concurrencyLimiters: new Map([["q", new SharedConcurrencyLimiter(flaky, "q", 1)]]),
      logger: {
        debug() {},
        info() {},
        warn: (_context, message) => void warnings.push(message),
        error() {},
      },
    });
    const run = worker.run();
    await waitFor(() => asked >= 3, "a few attempts");
    expect(queue.acked, "nothing handled without a slot").toEqual([]);
    down = false;
    await waitFor(() => queue.acked.length === 1, "the message once the store answers");
    worker.stop();
    await run;
    expect(warnings.filter((w) => w.startsWith("Shared concurrency limiter unreachable"))).toHaveLength(1);
  });

  it("createWorker refuses a concurrency limit on a transport that keeps no leases, and a bad --concurrency-limit", () => {
    const queue = new QueueTransport();
    const factory: TransportFactory = {
      schemes: ["test"],
      supports: (dsn) => dsn.startsWith("test://"),
      createTransport: () => queue,
    };
    const messenger = createMessenger({
      transportFactories: [factory],
      transports: { q: { dsn: "test://", concurrencyLimit: { limit: 2 } } },
    });
    expect(() => createWorker(messenger, { receivers: ["q"] })).toThrowError(
      /Transport "q" cannot share a concurrency limit between workers/,
    );
    expect(() => createWorker(messenger, { receivers: ["q"], concurrencyLimit: 0 })).toThrowError(
      /concurrency limit of transport "q" must be a positive whole number of messages, got 0/,
    );
  });
});
