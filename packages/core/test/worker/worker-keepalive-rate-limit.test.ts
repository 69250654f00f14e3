import { describe, expect, it } from "vitest";
import { TokenBucketRateLimiter } from "../../src/entry-points/transport.js";
import { KeepaliveTimer } from "../../src/entry-points/worker.js";
import {
  BusNameStamp,
  createMessenger,
  defineHandler,
  Envelope,
  nullLogger,
  TransportMessageIdStamp,
  Worker,
  WorkerRateLimitedEvent,
  WorkerRunningEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Slow {}

describe("keepalive", () => {
  it("defaults to a third of the shortest redelivery timeout a receiver states", () => {
    const receivers = new Map([
      ["a", new QueueTransport(undefined, 90_000)],
      ["b", new QueueTransport(undefined, 30_000)],
      ["c", new QueueTransport()],
    ]);
    expect(KeepaliveTimer.defaultInterval(receivers)).toBe(10_000);
    expect(KeepaliveTimer.defaultInterval(new Map([["c", new QueueTransport()]]))).toBeUndefined();
    expect(new KeepaliveTimer(receivers, () => [], false, nullLogger).interval).toBeUndefined();
    expect(new KeepaliveTimer(receivers, () => [], 500, nullLogger).interval).toBe(500);
  });

  it("keeps the message of a long handler alive while it runs, and stops afterwards", async () => {
    const queue = new QueueTransport(undefined, 60);
    await queue.send(Envelope.wrap(new Slow(), [new BusNameStamp("messenger.bus.default")]));
    const messenger = createMessenger({
      handlers: [
        defineHandler(Slow, async function slow() {
          await new Promise((r) => setTimeout(r, 150));
        }),
      ],
    });
    const events = messenger.events.child();
    events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle) e.worker.stop();
    });
    await new Worker(new Map([["q", queue]]), messenger.routableBus, events, { sleep: 1 }).run();
    // A keepalive every 20 ms (a third of 60) during a 150 ms handler.
    expect(queue.keepalives.length).toBeGreaterThanOrEqual(2);
    const afterRun = queue.keepalives.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(queue.keepalives.length).toBe(afterRun);
    expect(queue.acked).toHaveLength(1);
  });
});

describe("rate limiting", () => {
  it("a token bucket gives `limit` permits per interval and makes the next caller wait", async () => {
    const clock = new FakeClock(0);
    const limiter = new TokenBucketRateLimiter(2, 1_000, clock);
    expect(await limiter.reserve()).toBe(0);
    expect(await limiter.reserve()).toBe(0);
    expect(await limiter.reserve()).toBe(500);
    await clock.advance(500);
    expect(await limiter.reserve()).toBe(500);
    await clock.advance(1_000);
    expect(await limiter.reserve()).toBe(0);
    expect(() => new TokenBucketRateLimiter(0, 1_000, clock)).toThrowError(
      /positive whole number of messages, got 0/,
    );
  });

  it("makes the worker wait for a permit before handling, and says so", async () => {
    const clock = new FakeClock(0);
    const queue = new QueueTransport(clock);
    for (let i = 0; i < 3; i++)
      await queue.send(Envelope.wrap(new Slow(), [new BusNameStamp("messenger.bus.default")]));
    const handledAt: number[] = [];
    const messenger = createMessenger({
      handlers: [
        defineHandler(Slow, function slow() {
          handledAt.push(clock.now());
        }),
      ],
    });
    const events = messenger.events.child();
    const limited: number[] = [];
    events.on(WorkerRateLimitedEvent, (e) => void limited.push(e.waitMs));
    events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle) e.worker.stop();
    });
    const worker = new Worker(new Map([["q", queue]]), messenger.routableBus, events, {
      sleep: 0,
      clock,
      rateLimiters: new Map([["q", new TokenBucketRateLimiter(1, 1_000, clock)]]),
    });
    const run = worker.run();
    for (let i = 0; i < 10 && handledAt.length < 3; i++) await clock.advance(500);
    await run;
    expect(limited).toEqual([1_000, 1_000]);
    expect(handledAt[1]! - handledAt[0]!).toBeGreaterThanOrEqual(1_000);
    expect(handledAt[2]! - handledAt[1]!).toBeGreaterThanOrEqual(1_000);
  });
});

describe("keepalive of fetched messages", () => {
  it("covers messages that wait in the fetched batch for a free slot, not only those in a handler", async () => {
    class Numbered {
      constructor(readonly n: number) {}
    }
    const log: string[] = [];
    const queue = new QueueTransport(undefined, 60);
    const keepalive = queue.keepalive.bind(queue);
    queue.keepalive = async (envelope) => {
      log.push(`keepalive ${String(envelope.last(TransportMessageIdStamp)?.id)}`);
      await keepalive(envelope);
    };
    for (const n of [1, 2])
      await queue.send(Envelope.wrap(new Numbered(n), [new BusNameStamp("messenger.bus.default")]));
    const messenger = createMessenger({
      handlers: [
        defineHandler(Numbered, async function slow(m: Numbered) {
          log.push(`start ${m.n}`);
          await new Promise((r) => setTimeout(r, 120));
        }),
      ],
    });
    const events = messenger.events.child();
    events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle) e.worker.stop();
    });
    await new Worker(new Map([["q", queue]]), messenger.routableBus, events, {
      sleep: 1,
      concurrency: 1,
    }).run();
    // Message 2 was fetched with message 1 and waited ~120 ms for the one slot (keepalive every
    // 20 ms): it was kept alive before its own handler started.
    expect(log.indexOf("keepalive 2")).toBeGreaterThan(-1);
    expect(log.indexOf("keepalive 2")).toBeLessThan(log.indexOf("start 2"));
    expect(queue.acked).toHaveLength(2);
  });
});

describe("rate limiter failures", () => {
  it("do not stop the worker: it handles the message without waiting", async () => {
    const queue = new QueueTransport();
    await queue.send(Envelope.wrap(new Slow(), [new BusNameStamp("messenger.bus.default")]));
    const messenger = createMessenger({ handlers: [defineHandler(Slow, function slow() {})] });
    const events = messenger.events.child();
    events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle) e.worker.stop();
    });
    const broken = { reserve: () => Promise.reject(new Error("limiter store down")) };
    await new Worker(new Map([["q", queue]]), messenger.routableBus, events, {
      sleep: 1,
      rateLimiters: new Map([["q", broken]]),
    }).run();
    expect(queue.acked).toHaveLength(1);
  });
});
