import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { InMemoryRestartSignalStore } from "../../src/entry-points/transport.js";
import {
  BusNameStamp,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  stopWorkers,
  type Transport,
  type TransportFactory,
  WorkerRunningEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Ping {}

/** A queue transport that also keeps restart signals, as durable transports do. */
class SignalQueue extends QueueTransport {
  readonly store = new InMemoryRestartSignalStore();
  requestRestart(at: number) {
    return this.store.requestRestart(at);
  }
  getRestartRequestedAt() {
    return this.store.getRestartRequestedAt();
  }
}

function factoryOf(transports: Record<string, Transport>): TransportFactory {
  return {
    schemes: ["test"],
    supports: (dsn) => dsn.startsWith("test://"),
    createTransport: (_dsn, _options, context) => transports[context.name]!,
  };
}

describe("worker logging", () => {
  it("writes per-message debug lines through an injected pino logger", async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).trim().split("\n")) lines.push(JSON.parse(line));
        done();
      },
    });
    const queue = new QueueTransport();
    await queue.send(Envelope.wrap(new Ping(), [new BusNameStamp("messenger.bus.default")]));
    const messenger = createMessenger({
      logger: pino({ level: "debug" }, stream),
      transportFactories: [factoryOf({ q: queue })],
      transports: { q: "test://" },
      handlers: [defineHandler(Ping, function ping() {})],
    });
    const worker = createWorker(messenger, { receivers: ["q"], limit: 1 });
    await worker.run();
    const messages = lines.map((l) => `${l.level} ${String(l.msg)}`);
    expect(messages).toContain("20 Received message");
    expect(messages).toContain("20 Message handled successfully (acknowledging to transport)");
    expect(lines.find((l) => l.msg === "Received message")).toMatchObject({
      transport: "q",
      class: "Ping",
      id: 1,
    });
  });
});

describe("stop-workers", () => {
  it("reaches running workers through the transports' restart signal store", async () => {
    const clock = new FakeClock(1_000);
    const queue = new SignalQueue(clock);
    const messenger = createMessenger({
      clock,
      transportFactories: [factoryOf({ q: queue })],
      transports: { q: "test://" },
      handlers: [defineHandler(Ping, function ping() {})],
    });
    const worker = createWorker(messenger, { receivers: ["q"], sleep: 100 });
    let idleRounds = 0;
    messenger.events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle) idleRounds++;
    });
    const run = worker.run();
    await clock.advance(250);
    expect(worker.isStopping).toBe(false);
    await clock.advance(1);
    expect(await stopWorkers(messenger)).toBe(1);
    for (let i = 0; i < 30 && !worker.isStopping; i++) await clock.advance(100);
    await run;
    expect(worker.isStopping).toBe(true);
    expect(idleRounds).toBeGreaterThan(0);
    expect(await queue.getRestartRequestedAt()).toBeGreaterThan(worker.metadata.startedAt);
  });

  it("says when no transport can carry the signal", async () => {
    const messenger = createMessenger({
      transportFactories: [factoryOf({ q: new QueueTransport() })],
      transports: { q: "test://" },
      handlers: [],
    });
    expect(await stopWorkers(messenger)).toBe(0);
  });
});
