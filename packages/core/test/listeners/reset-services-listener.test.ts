import { container } from "tsyringe";
import { describe, expect, it } from "vitest";
import { ResetServicesListener } from "../../src/entry-points/worker.js";
import {
  BusNameStamp,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  EventDispatcher,
  RESETTABLE,
  type TransportFactory,
  WorkerRunningEvent,
  WorkerStoppedEvent,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";
import { recordingLogger } from "./support.js";

class Job {
  constructor(readonly n: number) {}
}

/** Remembers what the handler saw, like an identity map that must be emptied between messages. */
class SeenCache {
  seen: number[] = [];
  resets = 0;
  reset(): void {
    this.seen = [];
    this.resets++;
  }
}

const worker = { metadata: { transportNames: ["q"], queueNames: undefined, startedAt: 0 }, stop() {} };

async function setup(count: number) {
  const cache = new SeenCache();
  const services = container.createChildContainer();
  services.register(RESETTABLE, { useValue: cache });
  const queue = new QueueTransport();
  for (let n = 1; n <= count; n++)
    await queue.send(Envelope.wrap(new Job(n), [new BusNameStamp("messenger.bus.default")]));
  const factory: TransportFactory = {
    schemes: ["test"],
    supports: (dsn) => dsn.startsWith("test://"),
    createTransport: () => queue,
  };
  const seenPerMessage: number[][] = [];
  const messenger = createMessenger({
    container: services,
    transportFactories: [factory],
    transports: { q: "test://" },
    handlers: [
      defineHandler(
        Job,
        (job: Job) => {
          cache.seen.push(job.n);
          seenPerMessage.push([...cache.seen]);
        },
        { name: "remember" },
      ),
    ],
  });
  return { cache, messenger, seenPerMessage };
}

describe("ResetServicesListener", () => {
  it("resets after each handled message and at stop, not on idle rounds", async () => {
    const resettable = new SeenCache();
    const events = new EventDispatcher();
    new ResetServicesListener(() => [resettable]).register(events);
    await events.dispatch(new WorkerRunningEvent(worker, true));
    expect(resettable.resets).toBe(0);
    await events.dispatch(new WorkerRunningEvent(worker, false));
    await events.dispatch(new WorkerRunningEvent(worker, false));
    expect(resettable.resets).toBe(2);
    await events.dispatch(new WorkerStoppedEvent(worker));
    expect(resettable.resets).toBe(3);
  });

  it("logs a reset that throws and still resets the other services", async () => {
    const logger = recordingLogger();
    const after = new SeenCache();
    const failing = {
      reset() {
        throw new Error("cache server gone");
      },
    };
    const events = new EventDispatcher();
    new ResetServicesListener(() => [failing, after], { logger }).register(events);
    await events.dispatch(new WorkerRunningEvent(worker, false));
    expect(after.resets).toBe(1);
    expect(logger.lines.map((l) => l.message)).toContain("Resetting a service after a message failed");
  });

  it("createWorker resets the container's RESETTABLE services between messages", async () => {
    const { cache, messenger, seenPerMessage } = await setup(3);
    await createWorker(messenger, { receivers: ["q"], limit: 3 }).run();
    expect(seenPerMessage).toEqual([[1], [2], [3]]);
    expect(cache.resets).toBe(4); // three messages and the stop
  });

  it("createWorker with reset: false (--no-reset) leaves them alone", async () => {
    const { cache, messenger, seenPerMessage } = await setup(3);
    await createWorker(messenger, { receivers: ["q"], limit: 3, reset: false }).run();
    expect(seenPerMessage).toEqual([[1], [1, 2], [1, 2, 3]]);
    expect(cache.resets).toBe(0);
  });
});
