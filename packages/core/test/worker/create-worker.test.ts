import { describe, expect, it } from "vitest";
import {
  BusNameStamp,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  StopWorkerError,
  type TransportFactory,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Job {
  constructor(readonly n: number) {}
}

async function setup(handler: (m: Job) => unknown, count: number) {
  const queue = new QueueTransport();
  for (let n = 1; n <= count; n++)
    await queue.send(Envelope.wrap(new Job(n), [new BusNameStamp("messenger.bus.default")]));
  const factory: TransportFactory = {
    schemes: ["test"],
    supports: (dsn) => dsn.startsWith("test://"),
    createTransport: () => queue,
  };
  const messenger = createMessenger({
    transportFactories: [factory],
    transports: { q: { dsn: "test://", retryStrategy: { maxRetries: 0 } }, now: "sync://" },
    handlers: [defineHandler(Job, handler, { name: "job" })],
  });
  return { queue, messenger };
}

describe("createWorker", () => {
  it("stops after --limit messages", async () => {
    const { queue, messenger } = await setup(() => {}, 5);
    await createWorker(messenger, { receivers: ["q"], limit: 2 }).run();
    expect(queue.acked).toHaveLength(2);
  });

  it("hands back the fetched messages it did not start when a limit stops it", async () => {
    const { queue, messenger } = await setup(() => {}, 5);
    await createWorker(messenger, { receivers: ["q"], limit: 2 }).run();
    expect(queue.acked.map((e) => (e.message as Job).n)).toEqual([1, 2]);
    expect(queue.released.map((e) => (e.message as Job).n)).toEqual([3, 4, 5]);
    // Available to the next worker at once, not after a redelivery timeout.
    expect((await queue.get()).map((e) => (e.message as Job).n)).toEqual([3, 4, 5]);
  });

  it("keeps going to a clean stop when handing back fails: the messages wait out their claim", async () => {
    const { queue, messenger } = await setup(() => {}, 4);
    queue.releaseError = new Error("database gone");
    await createWorker(messenger, { receivers: ["q"], limit: 1 }).run();
    expect(queue.acked).toHaveLength(1);
    expect(queue.released).toEqual([]);
    expect(queue.pending).toHaveLength(3);
  });

  it("stops after --failure-limit failures", async () => {
    const { queue, messenger } = await setup(() => {
      throw new Error("no");
    }, 5);
    await createWorker(messenger, { receivers: ["q"], failureLimit: 3 }).run();
    expect(queue.rejected).toHaveLength(3);
  });

  it("stops after a handler throws a stop-worker error", async () => {
    const { queue, messenger } = await setup((m) => {
      if (m.n === 2) throw new StopWorkerError("maintenance window");
    }, 5);
    await createWorker(messenger, { receivers: ["q"] }).run();
    expect(queue.acked.length + queue.rejected.length).toBe(2);
  });

  it("refuses bad receivers and bad limits, naming them", async () => {
    const { messenger } = await setup(() => {}, 0);
    expect(() => createWorker(messenger, { receivers: [] })).toThrowError(
      /Name at least one transport to consume; receivers: q/,
    );
    expect(() => createWorker(messenger, { receivers: ["nope"] })).toThrowError(/Unknown transport "nope"/);
    expect(() => createWorker(messenger, { receivers: ["now"] })).toThrowError(
      /"now" is sync:\/\/: there is nothing to consume/,
    );
    expect(() => createWorker(messenger, { receivers: ["q"], memoryLimit: "12X" })).toThrowError(/12X/);
    expect(() => createWorker(messenger, { receivers: ["q"], limit: 0 })).toThrowError(/0/);
  });
});
