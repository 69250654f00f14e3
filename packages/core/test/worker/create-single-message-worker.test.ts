import { describe, expect, it } from "vitest";
import { createSingleMessageWorker } from "../../src/entry-points/worker.js";
import {
  BusNameStamp,
  createMessenger,
  DEFAULT_BUS_NAME,
  DeliveryLimitExceededStamp,
  defineHandler,
  Envelope,
  ErrorDetailsStamp,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  type TransportFactory,
  TransportMessageIdStamp,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageReceivedEvent,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Job {
  constructor(readonly n: number) {}
}

/** A messenger whose "failed" transport already holds jobs 1 and 2, as the failure listener left them. */
async function setup(handler: (job: Job) => void) {
  const queues = new Map([
    ["async", new QueueTransport()],
    ["failed", new QueueTransport()],
  ]);
  const factory: TransportFactory = {
    schemes: ["test"],
    supports: (dsn) => dsn.startsWith("test://"),
    createTransport: (dsn) => queues.get(dsn.slice("test://".length))!,
  };
  const messenger = createMessenger({
    transportFactories: [factory],
    transports: {
      async: "test://async",
      failed: { dsn: "test://failed", retryStrategy: { maxRetries: 3, delay: 0, jitter: 0 } },
    },
    failureTransport: "failed",
    handlers: [defineHandler(Job, handler, { name: "job" })],
  });
  const failed = queues.get("failed")!;
  const stored: Envelope[] = [];
  for (const n of [1, 2]) {
    stored.push(
      await failed.send(
        Envelope.wrap(new Job(n), [
          new BusNameStamp(DEFAULT_BUS_NAME),
          new RedeliveryStamp(0),
          new SentToFailureTransportStamp("async"),
          new ErrorDetailsStamp("Error", null, `job ${n} failed`),
        ]),
      ),
    );
  }
  return { messenger, failed, stored, async: queues.get("async")! };
}

const idOf = (envelope: Envelope) => envelope.last(TransportMessageIdStamp)?.id;

describe("createSingleMessageWorker", () => {
  it("handles the one envelope it was given, acknowledges it, and leaves every other message alone", async () => {
    const handled: number[] = [];
    const { messenger, failed, stored } = await setup((job) => {
      handled.push(job.n);
    });
    const events = messenger.events.child();
    const heard: string[] = [];
    events.on(WorkerMessageHandledEvent, (event) => {
      heard.push(`handled ${String(idOf(event.envelope))} from ${event.receiverName}`);
    });

    await createSingleMessageWorker(messenger, {
      transportName: "failed",
      envelope: stored[1]!,
      events,
    }).run();

    expect(handled).toEqual([2]);
    expect(heard).toEqual(["handled 2 from failed"]);
    expect(failed.acked.map(idOf)).toEqual([2]);
    // Job 1 was neither handled nor claimed: the next consumer still gets it.
    expect((await failed.get()).map(idOf)).toEqual([1]);
  });

  it("sends a message that fails again through the failure path: back into the failure transport, history grown", async () => {
    const { messenger, failed, stored } = await setup(() => {
      throw new Error("still broken");
    });
    const events = messenger.events.child();
    const failures: string[] = [];
    events.on(WorkerMessageFailedEvent, (event) => {
      failures.push(`${event.error.message}, will retry: ${String(event.willRetry)}`);
    });

    await createSingleMessageWorker(messenger, {
      transportName: "failed",
      envelope: stored[0]!,
      events,
    }).run();

    expect(failures).toEqual(['Handling "Job" failed: still broken, will retry: true']);
    expect(failed.rejected.map(idOf)).toEqual([1]);
    const copy = failed.pending.find((envelope) => idOf(envelope) === 3)!;
    expect((copy.message as Job).n).toBe(1);
    expect(copy.all(RedeliveryStamp).map((stamp) => stamp.retryCount)).toEqual([0, 1]);
    expect(copy.all(ErrorDetailsStamp).map((stamp) => stamp.errorMessage)).toEqual([
      "job 1 failed",
      "still broken",
    ]);
    expect(copy.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("async");
  });

  it("ends its run when a listener decides not to handle the message", async () => {
    const handled: number[] = [];
    const { messenger, failed, stored } = await setup((job) => {
      handled.push(job.n);
    });
    const events = messenger.events.child();
    events.on(WorkerMessageReceivedEvent, (event) => {
      event.shouldHandle(false);
    });

    await createSingleMessageWorker(messenger, {
      transportName: "failed",
      envelope: stored[0]!,
      events,
    }).run();

    expect(handled).toEqual([]);
    expect(failed.acked).toEqual([]);
    expect(failed.rejected).toEqual([]);
  });

  it("sends a message naming an unknown bus straight to the failure transport, naming the bus and the known ones", async () => {
    const { messenger, failed, async } = await setup(() => {});
    const events = messenger.events.child();
    const failures: string[] = [];
    events.on(WorkerMessageFailedEvent, (event) => {
      failures.push(`${event.error.message} (will retry: ${String(event.willRetry)})`);
    });
    // "async" has the default retry strategy: an unknown bus must not use it.
    const lost = await async.send(Envelope.wrap(new Job(3), [new BusNameStamp("nope")]));

    await createSingleMessageWorker(messenger, { transportName: "async", envelope: lost, events }).run();

    expect(failures).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Bus named "nope" does not exist; buses: ${DEFAULT_BUS_NAME}\\..*\\(will retry: false\\)$`,
        ),
      ),
    ]);
    expect(failed.pending.filter((envelope) => (envelope.message as Job).n === 3)).toHaveLength(1);
    const parked = failed.pending.find((envelope) => (envelope.message as Job).n === 3)!;
    expect(parked.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("async");
    expect(async.pending).toEqual([]);
    expect(parked.last(ErrorDetailsStamp)?.errorCode).toBe("UNKNOWN_BUS");
  });

  it("sends a message its transport marked as past the delivery limit to the failure transport without calling its handler", async () => {
    const handled: number[] = [];
    const { messenger, failed, async } = await setup((job) => {
      handled.push(job.n);
    });
    const events = messenger.events.child();
    const failures: string[] = [];
    events.on(WorkerMessageFailedEvent, (event) => {
      failures.push(`${event.error.message} (will retry: ${String(event.willRetry)})`);
    });
    const poison = (await async.send(Envelope.wrap(new Job(4), [new BusNameStamp(DEFAULT_BUS_NAME)]))).with(
      new DeliveryLimitExceededStamp(6, 5),
    );

    await createSingleMessageWorker(messenger, { transportName: "async", envelope: poison, events }).run();

    expect(handled).toEqual([]);
    expect(failures).toEqual([
      expect.stringMatching(
        /^Message delivered 6 times by transport "async" without being acknowledged \(delivery limit 5\).*\(will retry: false\)$/,
      ),
    ]);
    const parked = failed.pending.find((envelope) => (envelope.message as Job).n === 4)!;
    expect(parked.last(ErrorDetailsStamp)?.errorCode).toBe("DELIVERY_LIMIT_EXCEEDED");
    expect(async.pending).toEqual([]);
  });
});
