import { container } from "tsyringe";
import { describe, expect, it } from "vitest";
import {
  AbstractBatchHandler,
  Acknowledger,
  AsMessageHandler,
  type BatchJob,
  BusNameStamp,
  createMessenger,
  Envelope,
  LogicError,
  Worker,
  WorkerRunningEvent,
} from "../../src/index.js";
import { FakeClock } from "../../src/testing/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Email {
  constructor(readonly to: string) {}
}

const batches: string[][] = [];

class SendEmails extends AbstractBatchHandler<Email, string> {
  protected override get batchSize(): number {
    return 3;
  }

  @AsMessageHandler()
  override handle(message: Email, ack?: Acknowledger) {
    return super.handle(message, ack);
  }

  protected async process(jobs: readonly BatchJob<Email>[]): Promise<void> {
    batches.push(jobs.map(([m]) => m.to));
    for (const [message, ack] of jobs) {
      if (message.to.startsWith("bad")) ack.nack(new Error(`cannot send to ${message.to}`));
      else ack.ack(`sent ${message.to}`);
    }
  }
}

function setup(options: { stopWhenIdle?: boolean; clock?: FakeClock; batchFlushInterval?: number } = {}) {
  batches.length = 0;
  const queue = new QueueTransport(options.clock, undefined, 1);
  const messenger = createMessenger({ handlers: [SendEmails], container: container.createChildContainer() });
  const events = messenger.events.child();
  if (options.stopWhenIdle !== false) {
    events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle) e.worker.stop();
    });
  }
  const worker = new Worker(new Map([["mail", queue]]), messenger.routableBus, events, {
    sleep: 1,
    clock: options.clock,
    batchFlushInterval: options.batchFlushInterval,
  });
  const send = (...to: string[]) =>
    Promise.all(
      to.map((t) => queue.send(Envelope.wrap(new Email(t), [new BusNameStamp("messenger.bus.default")]))),
    );
  return { queue, messenger, worker, send, events };
}

describe("batch handlers on a worker", () => {
  it("collect messages, process them in batches and ack each one through its acknowledger", async () => {
    const { queue, worker, send } = setup();
    await send("a", "b", "bad-c", "d", "e");
    await worker.run();
    // Three make a batch; the last two are flushed when the worker finds nothing more to do.
    expect(batches).toEqual([
      ["a", "b", "bad-c"],
      ["d", "e"],
    ]);
    expect(queue.acked.map((e) => (e.message as Email).to).sort()).toEqual(["a", "b", "d", "e"]);
    expect(queue.rejected.map((e) => (e.message as Email).to)).toEqual(["bad-c"]);
    expect(queue.pending).toHaveLength(0);
  });

  it("are flushed when the worker stops", async () => {
    const { queue, worker, send, events } = setup({ stopWhenIdle: false });
    await send("a");
    let heldWhenStopping = -1;
    // Stop after the first message, as --limit=1 does: no idle round, so no idle flush either.
    events.on(WorkerRunningEvent, (e) => {
      if (e.isWorkerIdle) return;
      heldWhenStopping = batches.length === 0 ? worker.inHand.length : -1;
      e.worker.stop();
    });
    await worker.run();
    expect(heldWhenStopping).toBe(1);
    expect(batches).toEqual([["a"]]);
    expect(queue.acked).toHaveLength(1);
  });

  it("are flushed after the flush interval even while the worker stays busy", async () => {
    const clock = new FakeClock(0);
    const { queue, worker, send } = setup({ clock, batchFlushInterval: 1_000, stopWhenIdle: false });
    await send("a");
    const run = worker.run();
    // Keep the worker busy: a new message every 400 ms, never idle, never three in a batch window.
    for (let i = 0; i < 4 && queue.acked.length === 0; i++) {
      await clock.advance(400);
      await send(`busy-${i}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(queue.acked.map((e) => (e.message as Email).to)).toContain("a");
    worker.stop();
    await clock.advance(10);
    await run;
  });

  it("handle a message at once on a synchronous dispatch and return its result", async () => {
    const { messenger } = setup();
    const envelope = await messenger.bus.dispatch(new Email("now"));
    expect(batches).toEqual([["now"]]);
    expect([...envelope.all().values()].flat().map((s) => (s as { result?: unknown }).result)).toContain(
      "sent now",
    );
  });
});

describe("Acknowledger", () => {
  it("refuses to be called twice and reports what it got", () => {
    const results: unknown[] = [];
    const ack = new Acknowledger("h", (error, result) => results.push(error ?? result));
    ack.ack(42);
    expect(ack.isAcknowledged).toBe(true);
    expect(ack.result).toBe(42);
    expect(() => ack.nack(new Error("late"))).toThrowError(LogicError);
    expect(() => ack.ack()).toThrowError(/called twice/);
    expect(results).toEqual([42]);
  });
});
