import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from "amqplib";
import { AMQP_URL, deleteAmqp, isolated, probeAmqp } from "../backends.js";
import {
  type Consumer,
  type ConsumerOptions,
  type Job,
  type Producer,
  RETRIES,
  RETRY_DELAY_MS,
  type System,
} from "./system.js";

const QUEUE = isolated("bench.amqplib.jobs");
const RETRY_QUEUE = isolated("bench.amqplib.retry");
const FAILED_QUEUE = isolated("bench.amqplib.failed");
const RETRIES_HEADER = "x-bench-retries";

async function connect(): Promise<ChannelModel> {
  const { connect } = await import("amqplib");
  return connect(AMQP_URL);
}

/** The queues, as a hand-written amqplib application would declare them. */
async function declare(channel: Channel): Promise<void> {
  await channel.assertQueue(QUEUE, { durable: true });
  await channel.assertQueue(FAILED_QUEUE, { durable: true });
  // A retry waits RETRY_DELAY_MS here, then RabbitMQ dead-letters it back to the jobs queue.
  await channel.assertQueue(RETRY_QUEUE, {
    durable: true,
    arguments: {
      "x-message-ttl": RETRY_DELAY_MS,
      "x-dead-letter-exchange": "",
      "x-dead-letter-routing-key": QUEUE,
    },
  });
}

const content = (job: Job) => Buffer.from(JSON.stringify(job));
const PUBLISH = { persistent: true, contentType: "application/json" } as const;

/**
 * The peer on RabbitMQ: plain amqplib 2.3.1, what an application writes without a framework. The
 * producer publishes persistent messages to the queue on a confirm channel and waits for the
 * confirms; the worker consumes with `prefetch` = its concurrency and acks each message after its
 * handler. A failed job is published to a retry queue (TTL 100 ms, dead-lettered back) twice, then
 * to a failed queue.
 */
export const amqplib: System = {
  name: "amqplib",
  backend: "amqp",
  peer: true,
  settings: `amqplib 2.3.1 (RabbitMQ), queue "${QUEUE}", persistent messages, publisher confirms, prefetch = concurrency, ack each, retries ${RETRIES} x ${RETRY_DELAY_MS} ms (a TTL queue) then "${FAILED_QUEUE}"`,

  async preload() {
    await import("amqplib");
  },

  async probe() {
    try {
      await import("amqplib");
    } catch (error) {
      return `amqplib does not load: ${(error as Error).message}`;
    }
    return probeAmqp();
  },

  clean: () => deleteAmqp([QUEUE, RETRY_QUEUE, FAILED_QUEUE]),

  async openProducer(): Promise<Producer> {
    const model = await connect();
    const channel: ConfirmChannel = await model.createConfirmChannel();
    await declare(channel);
    return {
      async enqueue(job) {
        await new Promise<void>((resolve, reject) =>
          channel.sendToQueue(QUEUE, content(job), PUBLISH, (error) => (error ? reject(error) : resolve())),
        );
      },
      async enqueueBulk(jobs) {
        for (const job of jobs) channel.sendToQueue(QUEUE, content(job), PUBLISH);
        await channel.waitForConfirms();
      },
      async hasFailed() {
        return (await channel.checkQueue(FAILED_QUEUE)).messageCount > 0;
      },
      async close() {
        await model.close();
      },
    };
  },

  async openConsumer({ concurrency, handle, acked }: ConsumerOptions): Promise<Consumer> {
    const model = await connect();
    const channel = await model.createChannel();
    await declare(channel);
    await channel.prefetch(concurrency);
    const onMessage = (message: ConsumeMessage | null) => {
      if (!message) return;
      try {
        handle(JSON.parse(message.content.toString()) as Job);
      } catch {
        const retries = Number(message.properties.headers?.[RETRIES_HEADER] ?? 0);
        const headers = { [RETRIES_HEADER]: retries + 1 };
        channel.sendToQueue(retries < RETRIES ? RETRY_QUEUE : FAILED_QUEUE, message.content, {
          ...PUBLISH,
          headers,
        });
      }
      channel.ack(message);
      acked?.();
    };
    const { consumerTag } = await channel.consume(QUEUE, onMessage, { noAck: false });
    return {
      async stop() {
        await channel.cancel(consumerTag);
        await model.close();
      },
    };
  },
};
