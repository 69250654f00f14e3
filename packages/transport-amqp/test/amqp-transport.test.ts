import {
  DelayStamp,
  Envelope,
  RedeliveryStamp,
  TransportAuthenticationError,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { AMQP_MANDATORY, AmqpReceivedStamp, AmqpStamp, AmqpTransportFactory } from "../src/index.js";
import { AMQP, amqpTestFile, amqpUp, eventually, factoryContext, Job, receive } from "./support/amqp.js";

const file = amqpTestFile("transport");

/** A message as the broker holds it, read with basic.get and put back. */
async function peek(queue: string) {
  const channel = await (await file.admin()).createChannel();
  try {
    const message = await channel.get(queue, { noAck: false });
    return message === false ? undefined : message;
  } finally {
    await channel.close();
  }
}

describe.skipIf(!amqpUp)("AMQP transport", () => {
  it("publishes persistent messages with Symfony's layout: serializer headers as AMQP headers, Content-Type as content_type", async () => {
    const name = file.name();
    const transport = file.transport(name);
    const sent = await transport.send(Envelope.wrap(new Job(1)));
    const message = await peek(name);
    expect(message?.properties.deliveryMode).toBe(2);
    expect(message?.properties.contentType).toBe("application/json");
    expect(message?.properties.messageId).toBe(sent.last(TransportMessageIdStamp)?.id);
    expect(message?.properties.headers?.type).toBe("amqp_test.job");
    expect(JSON.parse(message!.content.toString())).toEqual({ n: 1 });
  });

  it("routes with AmqpStamp's routing key on a direct exchange, with its priority and headers", async () => {
    const name = file.name();
    const [high, low] = [file.name(), file.name()];
    const query =
      `exchange[type]=direct&queues[${high}][binding_keys][]=high&queues[${high}][arguments][x-max-priority]=10` +
      `&queues[${low}][binding_keys][]=low`;
    const transport = file.transport(name, query);
    await transport.send(
      Envelope.wrap(new Job(1), [new AmqpStamp("high", 0, { priority: 7, headers: { tenant: "acme" } })]),
    );
    await transport.send(Envelope.wrap(new Job(2), [new AmqpStamp("low")]));
    const message = await peek(high);
    expect(JSON.parse(message!.content.toString())).toEqual({ n: 1 });
    expect(message?.properties.priority).toBe(7);
    expect(message?.properties.headers?.tenant).toBe("acme");
    expect(JSON.parse((await peek(low))!.content.toString())).toEqual({ n: 2 });
    // --queues: a worker of the transport consuming one of its queues gets only that one's messages.
    const [only, ...more] = await transport.getFromQueues([low]);
    expect(more).toEqual([]);
    expect(only?.message).toEqual(new Job(2));
    expect(only?.last(AmqpReceivedStamp)?.queueName).toBe(low);
    await transport.ack(only!);
    expect(await transport.getMessageCount(), "the message of queue high, counted by a passive declare").toBe(
      1,
    );
    await expect(transport.getFromQueues(["elsewhere"])).rejects.toThrow(/not a queue of transport "async"/);
  });

  it("rejects send() when the broker nacks the message (a full queue with x-overflow=reject-publish)", async () => {
    const name = file.name();
    const transport = file.transport(
      name,
      `queues[${name}][arguments][x-max-length]=1&queues[${name}][arguments][x-overflow]=reject-publish`,
    );
    await transport.send(Envelope.wrap(new Job(1)));
    const error = await transport.send(Envelope.wrap(new Job(2))).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: "AMQP_PUBLISH_NOT_CONFIRMED" });
    expect(String(error)).toContain("refused a message");
    expect(await transport.getMessageCount()).toBe(1);
  });

  it("rejects send() of a mandatory message that no queue is bound for", async () => {
    const name = file.name();
    const transport = file.transport(name, `exchange[type]=direct&queues[${name}][binding_keys][]=known`);
    await transport.send(Envelope.wrap(new Job(1), [new AmqpStamp("known", AMQP_MANDATORY)]));
    const error = await transport
      .send(Envelope.wrap(new Job(2), [new AmqpStamp("unknown", AMQP_MANDATORY)]))
      .catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: "AMQP_UNROUTABLE" });
    expect(await transport.getMessageCount()).toBe(1);
  });

  it("sends a retry back to the queue it failed in only, through a delay queue, after its delay", async () => {
    const name = file.name();
    const [first, second] = [file.name(), file.name()];
    // A fanout exchange with two queues: a new message goes to both, a retry only where it failed.
    const query = `queues[${first}][flags]=2&queues[${second}][flags]=2`;
    const transport = file.transport(name, query);
    const worker = file.transport(name, query);
    await transport.send(Envelope.wrap(new Job(1)));
    const [fromFirst] = await worker.getFromQueues([first]);
    expect(fromFirst?.message).toEqual(new Job(1));
    await worker.send(fromFirst!.with(new RedeliveryStamp(1), DelayStamp.delayFor(300)));
    const sentAt = Date.now();
    await worker.ack(fromFirst!);
    // Its consumer gone, the retry shows as a ready message of queue first when it is due.
    await worker.close();
    expect(await eventually(async () => (await transport.getMessageCount()) === 2, 10_000)).toBe(true);
    expect(Date.now() - sentAt, "not before its delay").toBeGreaterThanOrEqual(250);
    const retried = await receive(transport, 2);
    expect(retried.map((e) => e.last(AmqpReceivedStamp)?.queueName).sort()).toEqual([first, second].sort());
    const retry = retried.find((e) => e.last(AmqpReceivedStamp)?.queueName === first);
    expect(retry?.last(RedeliveryStamp)?.retryCount).toBe(1);
    expect(
      retried.find((e) => e.last(AmqpReceivedStamp)?.queueName === second)?.last(RedeliveryStamp),
    ).toBeUndefined();
  }, 30_000);

  it("prefetches the worker's concurrency, unless prefetch_count says otherwise", () => {
    const name = file.name();
    const following = file.transport(name);
    expect(following.prefetchCount).toBe(10);
    following.setWorkerConcurrency(3);
    expect(following.prefetchCount).toBe(3);
    const fixed = file.transport(name, "prefetch_count=50");
    fixed.setWorkerConcurrency(3);
    expect(fixed.prefetchCount).toBe(50);
  });

  it("gives what a closed transport held back to the broker at once, for another consumer", async () => {
    const name = file.name();
    const first = file.transport(name);
    const second = file.transport(name);
    await first.send(Envelope.wrap(new Job(1)));
    const [held] = await receive(first, 1);
    expect(held).toBeDefined();
    await first.close();
    const [again] = await receive(second, 1);
    expect(again?.message).toEqual(new Job(1));
    expect(again?.last(TransportMessageIdStamp)?.id).toBe(held!.last(TransportMessageIdStamp)?.id);
    await second.ack(again!);
  });

  it("after an ack, get() waits briefly for the broker's refill instead of answering empty", async () => {
    const name = file.name();
    const transport = file.transport(name, "prefetch_count=1");
    const rounds = 20;
    await transport.sendMany(Array.from({ length: rounds + 1 }, (_, n) => Envelope.wrap(new Job(n))));
    /** The next delivery, waiting for it as an idle worker does. */
    const next = async () => {
      for (let tries = 0; tries < 10; tries++) {
        const [envelope] = await transport.get();
        if (envelope) return envelope;
        await transport.waitForMessages(1_000, new AbortController().signal);
      }
      throw new Error("no delivery within 10 waits");
    };
    let current = await next();
    let refilled = 0;
    for (let round = 0; round < rounds; round++) {
      await transport.ack(current);
      // At prefetch 1 the broker sends the next message only once it has the ack: a get() that
      // answered at once would always be empty here. The wait is bounded (1 ms), so on a busy
      // machine some rounds may still miss the refill; never catching one is the defect.
      const [refill] = await transport.get();
      if (refill) refilled++;
      current = refill ?? (await next());
    }
    expect((current.message as Job).n).toBe(rounds);
    expect(refilled).toBeGreaterThan(0);
    // A queue with no more: the wait ends, get() answers empty.
    await transport.ack(current);
    expect(await transport.get()).toEqual([]);
  });

  it("sends the acks of one turn together, never covering a delivery still open", async () => {
    const name = file.name();
    const first = file.transport(name, "prefetch_count=6");
    const second = file.transport(name);
    await first.sendMany([1, 2, 3, 4, 5, 6].map((n) => Envelope.wrap(new Job(n))));
    const held = await receive(first, 6);
    expect(held.map((e) => (e.message as Job).n)).toEqual([1, 2, 3, 4, 5, 6]);
    // 1, 2 and 4 in the same turn: one ack with `multiple` for 1-2, one of its own for 4; 3 stays open.
    await Promise.all([first.ack(held[0]!), first.ack(held[1]!), first.ack(held[3]!)]);
    // 3 and 5 in a later turn, behind 4 (already settled); 6 stays open.
    await Promise.all([first.ack(held[4]!), first.ack(held[2]!)]);
    await first.close();
    const back = await receive(second, 6);
    expect(
      back.map((e) => (e.message as Job).n),
      "only the one never acked goes back to the broker",
    ).toEqual([6]);
    await second.close();
    // An ack asked for after its channel closed is an error, not a silent loss: the broker has it again.
    await expect(second.ack(back[0]!)).rejects.toThrow(/closed/);
  });

  it("refuses credentials the broker refuses with a TransportAuthenticationError that does not show the password", async () => {
    const transport = new AmqpTransportFactory().createTransport(
      `amqp://guest:not-the-password@${AMQP.host}:${AMQP.port}/%2f/${file.name()}`,
      {},
      factoryContext(),
    );
    const error = await transport.send(Envelope.wrap(new Job(1))).catch((e: unknown) => e as Error);
    await transport.close();
    expect(error).toBeInstanceOf(TransportAuthenticationError);
    expect(String(error)).toContain("ACCESS");
    expect(String(error)).not.toContain("not-the-password");
  });
});
