import { describe, expect, it } from "vitest";
import { SingleMessageReceiver } from "../../src/entry-points/worker.js";
import { Envelope, TransportMessageIdStamp } from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Job {
  constructor(readonly n: number) {}
}

describe("SingleMessageReceiver", () => {
  it("yields its one envelope once, then nothing, without claiming from the transport", async () => {
    const queue = new QueueTransport();
    const first = await queue.send(Envelope.wrap(new Job(1)));
    await queue.send(Envelope.wrap(new Job(2)));
    const receiver = new SingleMessageReceiver(queue, first);

    expect(receiver.hasMessage).toBe(true);
    expect(await receiver.get()).toEqual([first]);
    expect(receiver.hasMessage).toBe(false);
    expect(await receiver.get()).toEqual([]);
    // The transport's own get() was never called: both messages are still claimable there.
    expect((await queue.get()).map((e) => (e.message as Job).n)).toEqual([1, 2]);
  });

  it("acknowledges and rejects on the transport the envelope came from", async () => {
    const queue = new QueueTransport();
    const one = await queue.send(Envelope.wrap(new Job(1)));
    const two = await queue.send(Envelope.wrap(new Job(2)));

    await new SingleMessageReceiver(queue, one).ack(one);
    await new SingleMessageReceiver(queue, two).reject(two);

    expect(queue.acked.map((e) => e.last(TransportMessageIdStamp)?.id)).toEqual([1]);
    expect(queue.rejected.map((e) => e.last(TransportMessageIdStamp)?.id)).toEqual([2]);
    expect(queue.pending).toEqual([]);
  });
});
