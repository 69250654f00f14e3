import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from "amqplib";
import { layoutNamed } from "../amqp-layouts.js";
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

const RETRIES_HEADER = "x-bench-retries";

async function connect(): Promise<ChannelModel> {
  const { connect } = await import("amqplib");
  return connect(AMQP_URL);
}

const content = (job: Job) => Buffer.from(JSON.stringify(job));
const PUBLISH = { persistent: true, contentType: "application/json" } as const;

/** Where and how the producer publishes a job. */
interface Publishing {
  /** The exchange to publish to ("" is the default exchange, which routes to the queue by name). */
  readonly exchange: string;
  /** The properties of each message. */
  properties(): Options.Publish;
  readonly settings: string;
}

function amqplibSystem(name: string, prefix: string, publishing: Publishing, variant: boolean): System {
  const queue = isolated(`${prefix}.jobs`);
  const retryQueue = isolated(`${prefix}.retry`);
  const failedQueue = isolated(`${prefix}.failed`);
  const exchange = publishing.exchange;
  const routingKey = exchange === "" ? queue : "";

  /** The queues, as a hand-written amqplib application would declare them. */
  async function declare(channel: Channel): Promise<void> {
    await channel.assertQueue(queue, { durable: true });
    if (exchange !== "") {
      await channel.assertExchange(exchange, "fanout", { durable: true });
      await channel.bindQueue(queue, exchange, "");
    }
    await channel.assertQueue(failedQueue, { durable: true });
    // A retry waits RETRY_DELAY_MS here, then RabbitMQ dead-letters it back to the jobs queue.
    await channel.assertQueue(retryQueue, {
      durable: true,
      arguments: {
        "x-message-ttl": RETRY_DELAY_MS,
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queue,
      },
    });
  }

  return {
    name,
    backend: "amqp",
    peer: !variant,
    variant,
    settings: `amqplib 2.3.1 (RabbitMQ), queue "${queue}", ${publishing.settings}, publisher confirms, prefetch = concurrency, ack each, retries ${RETRIES} x ${RETRY_DELAY_MS} ms (a TTL queue) then "${failedQueue}"`,

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

    // deleteAmqp deletes the queue and the exchange of each name: the variant's exchange is named as its queue.
    clean: () => deleteAmqp([queue, retryQueue, failedQueue]),

    async openProducer(): Promise<Producer> {
      const model = await connect();
      const channel: ConfirmChannel = await model.createConfirmChannel();
      await declare(channel);
      return {
        async enqueue(job) {
          await new Promise<void>((resolve, reject) =>
            channel.publish(exchange, routingKey, content(job), publishing.properties(), (error) =>
              error ? reject(error) : resolve(),
            ),
          );
        },
        async enqueueBulk(jobs) {
          for (const job of jobs)
            channel.publish(exchange, routingKey, content(job), publishing.properties());
          await channel.waitForConfirms();
        },
        async hasFailed() {
          return (await channel.checkQueue(failedQueue)).messageCount > 0;
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
      // Handlers still running: stop() lets them finish and ack before it closes the connection, as
      // a graceful shutdown of a hand-written consumer does (an ack on a closing connection throws).
      let running = 0;
      let idle: (() => void) | undefined;
      const onMessage = async (message: ConsumeMessage | null) => {
        if (!message) return;
        running++;
        try {
          try {
            await handle(JSON.parse(message.content.toString()) as Job);
          } catch {
            const retries = Number(message.properties.headers?.[RETRIES_HEADER] ?? 0);
            const headers = { [RETRIES_HEADER]: retries + 1 };
            channel.sendToQueue(retries < RETRIES ? retryQueue : failedQueue, message.content, {
              ...PUBLISH,
              headers,
            });
          }
          channel.ack(message);
          acked?.();
        } finally {
          if (--running === 0) idle?.();
        }
      };
      const { consumerTag } = await channel.consume(queue, onMessage, { noAck: false });
      return {
        async stop() {
          await channel.cancel(consumerTag);
          if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
          await model.close();
        },
      };
    },
  };
}

/**
 * The peer on RabbitMQ: plain amqplib 2.3.1, what an application writes without a framework. The
 * producer publishes persistent messages to the queue (the default exchange) on a confirm channel
 * and waits for the confirms; the worker consumes with `prefetch` = its concurrency and acks each
 * message after its handler. A failed job is published to a retry queue (TTL 100 ms,
 * dead-lettered back) twice, then to a failed queue.
 */
export const amqplib: System = amqplibSystem(
  "amqplib",
  "bench.amqplib",
  { exchange: "", properties: () => PUBLISH, settings: "default exchange, persistent messages" },
  false,
);

/**
 * Not a peer: the same application, publishing as messenger-amqp does (Symfony's layout), to tell
 * the broker's share of messenger-amqp's publishing figures from messenger-ts's own: through a
 * fanout exchange bound to the queue, with the headers, `message_id` and `timestamp` that
 * messenger-amqp's serializer and transport put on a bench job.
 */
export const amqplibExchange: System = amqplibSystem(
  "amqplib-exchange",
  "bench.amqplib-exchange",
  {
    exchange: isolated("bench.amqplib-exchange.jobs"),
    properties: layoutNamed("messenger-amqp").properties,
    settings:
      "a fanout exchange with messenger-amqp's headers, message_id and timestamp (a variant, not a peer)",
  },
  true,
);
