import type { Duplex } from "node:stream";
import type { ChannelModel } from "amqplib";
import { describe, expect, it } from "vitest";
import { coalesceWrites, writeNow } from "../src/amqp-socket-writes.js";
import { adminConnection, amqpTestFile, amqpUp } from "./support/amqp.js";

const file = amqpTestFile("socket-writes");

/** Counts the writes amqplib hands to the connection's socket (one `writev()` counts once). */
function countWrites(model: ChannelModel): { readonly count: number } {
  const socket = (model.connection as unknown as { stream: Duplex }).stream;
  const counter = { count: 0 };
  const write = socket._write.bind(socket);
  const writev = socket._writev?.bind(socket);
  socket._write = (chunk, encoding, callback) => {
    counter.count++;
    write(chunk, encoding, callback);
  };
  if (writev) {
    socket._writev = (chunks, callback) => {
      counter.count++;
      writev(chunks, callback);
    };
  }
  return counter;
}

async function publishAndCount(coalesce: boolean, queue: string): Promise<number> {
  const model = await adminConnection();
  try {
    if (coalesce) expect(coalesceWrites(model)).toBe(true);
    const channel = await model.createConfirmChannel();
    await channel.assertQueue(queue, { durable: false, autoDelete: false });
    const writes = countWrites(model);
    for (let i = 0; i < 200; i++) channel.sendToQueue(queue, Buffer.from(String(i)));
    await channel.waitForConfirms();
    expect((await channel.checkQueue(queue)).messageCount).toBe(200);
    return writes.count;
  } finally {
    await model.close();
  }
}

describe.skipIf(!amqpUp)("amqplib socket writes", () => {
  it("coalesceWrites: a turn's publishes reach the socket in a few writes, not one per frame, and all arrive", async () => {
    const plain = await publishAndCount(false, file.name());
    const coalesced = await publishAndCount(true, file.name());
    // The control: amqplib on its own writes each message's frames with a write() of their own.
    expect(plain).toBeGreaterThanOrEqual(200);
    expect(coalesced).toBeLessThan(20);
  });

  it("writeNow: an ack is on the socket before the call returns, and the broker has it", async () => {
    const queue = file.name();
    const model = await adminConnection();
    try {
      coalesceWrites(model);
      const channel = await model.createConfirmChannel();
      await channel.assertQueue(queue, { durable: false, autoDelete: false });
      channel.sendToQueue(queue, Buffer.from("one"));
      await channel.waitForConfirms();
      const message = await channel.get(queue, { noAck: false });
      if (message === false) throw new Error("the confirmed message is not in its queue");
      const writes = countWrites(model);
      channel.ack(message);
      // amqplib alone moves the frame to the socket later in the turn.
      expect(writes.count).toBe(0);
      writeNow(channel);
      expect(writes.count).toBe(1);
      writeNow(channel); // nothing left to write: no empty write
      expect(writes.count).toBe(1);
      // Acknowledged, not handed back when the channel closes.
      await channel.close();
      const check = await model.createChannel();
      expect((await check.checkQueue(queue)).messageCount).toBe(0);
    } finally {
      await model.close();
    }
  });
});
