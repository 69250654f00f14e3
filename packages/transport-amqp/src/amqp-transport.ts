import { randomUUID } from "node:crypto";
import {
  type BulkSender,
  type CloseableTransport,
  type ConcurrencyAwareReceiver,
  DelayStamp,
  type Envelope,
  InvalidArgumentError,
  JsonSerializer,
  type ListableReceiver,
  type Logger,
  LogicError,
  type MessageCountAware,
  type MessageWaiter,
  nullLogger,
  type QueueReceiver,
  RedeliveryStamp,
  type ReleasableReceiver,
  type Serializer,
  type SetupableTransport,
  type Transport,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { decodeOrUndecodable, markDeliveryLimit } from "@messenger-ts/core/transport";
import type { Channel, GetMessage, Message, Options } from "amqplib";
import { AmqpConnection, type DelayQueue, type OutgoingAmqpMessage } from "./amqp-connection.js";
import { AmqpConsumer, type AmqpDelivery } from "./amqp-consumer.js";
import type { ResolvedAmqpOptions } from "./amqp-options.js";
import { AmqpReceivedStamp } from "./amqp-received-stamp.js";
import { AMQP_MANDATORY, type AmqpAttributes, AmqpStamp } from "./amqp-stamp.js";

/** Options of {@link AmqpTransport}: what the `amqp://` DSN resolves to, plus its collaborators. */
export interface AmqpTransportOptions {
  readonly resolved: ResolvedAmqpOptions;
  /** @defaultValue a JsonSerializer */
  readonly serializer?: Serializer;
  /** The transport's name in errors and logs. @defaultValue "amqp" */
  readonly name?: string;
  readonly logger?: Logger;
}

/** Prefetch of a transport read outside a worker (no concurrency to follow) and without prefetch_count. */
export const DEFAULT_PREFETCH = 10;

/** Headers RabbitMQ adds (dead-lettering, quorum queues' count): not the message's own. */
const BROKER_HEADER = /^x-(death|delivery-count|first-death-|last-death-|received-from)/;

/**
 * Symfony's AMQP transport on amqplib: messages are published to an exchange with publisher
 * confirms, routed to queues, and consumed with `basic.consume` and a prefetch count; delayed
 * messages wait in per-delay queues that dead-letter them back (Symfony's layout, so PHP and Node
 * workers can share a broker). An unacknowledged message goes back to the broker when its
 * consumer's channel closes, and is delivered again at once: there is no redelivery timeout, and
 * no keepalive is needed. Behaviour notes are in the package README.
 */
export class AmqpTransport
  implements
    Transport,
    BulkSender,
    QueueReceiver,
    SetupableTransport,
    MessageCountAware,
    ListableReceiver,
    ReleasableReceiver,
    MessageWaiter,
    ConcurrencyAwareReceiver,
    CloseableTransport
{
  readonly name: string;
  /** The exchange messages are published to. */
  readonly exchange: string;
  /** The queues get() consumes, in the configured order. */
  readonly queueNames: readonly string[];
  /** Deliveries allowed per message: counted on quorum queues (`x-delivery-count`). */
  readonly deliveryLimit: number;
  readonly #options: ResolvedAmqpOptions;
  readonly #serializer: Serializer;
  readonly #connection: AmqpConnection;
  readonly #consumer: AmqpConsumer;

  constructor(options: AmqpTransportOptions) {
    this.name = options.name ?? "amqp";
    this.#options = options.resolved;
    this.exchange = this.#options.exchange.name;
    this.queueNames = this.#options.queues.map((queue) => queue.name);
    this.deliveryLimit = this.#options.deliveryLimit;
    this.#serializer = options.serializer ?? new JsonSerializer();
    const logger = options.logger ?? nullLogger;
    this.#connection = new AmqpConnection(this.#options, `transport "${this.name}"`, logger);
    // Symfony's get() declares the exchange and queues first (auto_setup): a worker may start first.
    this.#consumer = new AmqpConsumer(
      this.#connection,
      this.#options.prefetchCount ?? DEFAULT_PREFETCH,
      () => (this.#options.autoSetup ? this.#connection.setupOnce() : Promise.resolve()),
    );
  }

  /** `amqp://host:port/vhost`: the broker as errors show it, without credentials. */
  get target(): string {
    return this.#connection.target;
  }

  /** Publishes and waits for the broker's confirm; the id is the message's `message_id`. */
  async send(envelope: Envelope): Promise<Envelope> {
    return (await this.sendMany([envelope]))[0]!;
  }

  /** Publishes them all on the confirm channel and waits for every confirm: one round trip. */
  async sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]> {
    if (envelopes.length === 0) return [];
    const ids: string[] = [];
    const messages: OutgoingAmqpMessage[] = [];
    const delayQueues = new Map<string, DelayQueue>();
    // Everything is encoded before anything is published: a message that cannot be encoded sends none.
    for (const envelope of envelopes) {
      const id = randomUUID();
      ids.push(id);
      const { message, delayQueue } = this.#outgoing(envelope, id);
      messages.push(message);
      if (delayQueue) delayQueues.set(delayQueue.name, delayQueue);
    }
    await this.#connection.publish(messages, [...delayQueues.values()]);
    return envelopes.map((envelope, i) => envelope.with(new TransportMessageIdStamp(ids[i]!)));
  }

  #outgoing(envelope: Envelope, id: string): { message: OutgoingAmqpMessage; delayQueue?: DelayQueue } {
    const { body, headers } = this.#serializer.encode(envelope);
    const stamp = envelope.last(AmqpStamp);
    const received = envelope.last(AmqpReceivedStamp);
    // Symfony: a retry goes back to the queue it failed in only, not to every queue of the exchange.
    const retry = received !== undefined && envelope.last(RedeliveryStamp) !== undefined;
    const routingKey =
      stamp?.routingKey ??
      (received ? (retry ? received.queueName : received.routingKey) : undefined) ??
      this.#options.exchange.defaultPublishRoutingKey ??
      "";
    const { "Content-Type": contentType, ...rest } = headers;
    const attributes: AmqpAttributes = stamp?.attributes ?? {};
    const properties: Options.Publish = {
      headers: { ...attributes.headers, ...rest },
      contentType: attributes.content_type ?? contentType,
      deliveryMode: attributes.delivery_mode ?? 2,
      timestamp: attributes.timestamp ?? Math.floor(Date.now() / 1000),
      messageId: id,
      mandatory: ((stamp?.flags ?? 0) & AMQP_MANDATORY) !== 0,
      ...(attributes.priority === undefined ? {} : { priority: attributes.priority }),
      ...(attributes.content_encoding === undefined ? {} : { contentEncoding: attributes.content_encoding }),
      ...(attributes.correlation_id === undefined ? {} : { correlationId: attributes.correlation_id }),
      ...(attributes.reply_to === undefined ? {} : { replyTo: attributes.reply_to }),
      ...(attributes.expiration === undefined ? {} : { expiration: attributes.expiration }),
      ...(attributes.type === undefined ? {} : { type: attributes.type }),
      ...(attributes.user_id === undefined ? {} : { userId: attributes.user_id }),
      ...(attributes.app_id === undefined ? {} : { appId: attributes.app_id }),
    };
    const content = Buffer.from(body);
    const delay = Math.max(0, Math.ceil(envelope.last(DelayStamp)?.delay ?? 0));
    if (delay === 0) {
      return { message: { exchange: this.exchange, routingKey, content, properties } };
    }
    const name =
      this.#options.delay.queueNamePattern
        .replaceAll("%delay%", String(delay))
        .replaceAll("%exchange_name%", this.exchange)
        .replaceAll("%routing_key%", routingKey) + (retry ? "_retry" : "_delay");
    return {
      message: { exchange: this.#options.delay.exchangeName, routingKey: name, content, properties },
      delayQueue: {
        name,
        ttl: delay,
        // A delayed message goes to every queue of the exchange; a retry straight to its queue.
        deadLetterExchange: retry ? "" : this.exchange,
        deadLetterRoutingKey: routingKey,
      },
    };
  }

  /** What the broker pushed to this consumer since the last call, from every queue of the transport. */
  get(): Promise<readonly Envelope[]> {
    return this.#take(this.queueNames);
  }

  /** The same, from some of the transport's queues (`messenger:consume --queues`). */
  async getFromQueues(queueNames: readonly string[]): Promise<readonly Envelope[]> {
    for (const queue of queueNames) {
      if (!this.queueNames.includes(queue)) {
        throw new InvalidArgumentError(
          `Queue "${queue}" is not a queue of transport "${this.name}"; its queues: ${this.queueNames.join(", ")}.`,
          { code: "INVALID_TRANSPORT_OPTION" },
        );
      }
    }
    return this.#take(queueNames);
  }

  async #take(queueNames: readonly string[]): Promise<readonly Envelope[]> {
    const deliveries = await this.#consumer.take(queueNames);
    return deliveries.map((delivery) =>
      markDeliveryLimit(
        this.#decode(delivery.message, delivery.queue, delivery),
        deliveriesOf(delivery.message),
        this.deliveryLimit,
      ),
    );
  }

  async ack(envelope: Envelope): Promise<void> {
    const delivery = this.#deliveryOf(envelope, "ack");
    if (delivery) await this.#consumer.ack(delivery);
    else await this.#removeListed(envelope);
  }

  /** basic.nack without requeue: gone, or to the queue's dead-letter exchange if it has one. */
  async reject(envelope: Envelope): Promise<void> {
    const delivery = this.#deliveryOf(envelope, "reject");
    if (delivery) this.#consumer.reject(delivery);
    else await this.#removeListed(envelope);
  }

  /**
   * Hands deliveries the worker never started back to this transport's next get(), without a new
   * delivery counted; close() returns them to the broker, which delivers them at once elsewhere.
   */
  async release(envelopes: readonly Envelope[]): Promise<void> {
    const deliveries: AmqpDelivery[] = [];
    for (const envelope of envelopes) {
      const delivery = this.#deliveryOf(envelope, "release");
      if (delivery) deliveries.push(delivery);
    }
    this.#consumer.release(deliveries);
  }

  /** The prefetch count follows the worker's concurrency unless `prefetch_count` is given. */
  setWorkerConcurrency(concurrency: number): void {
    if (this.#options.prefetchCount === undefined) this.#consumer.prefetch = concurrency;
  }

  /** The prefetch count the consumer uses. */
  get prefetchCount(): number {
    return this.#consumer.prefetch;
  }

  waitForMessages(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    return this.#consumer.wait(this.queueNames, maxWaitMs, signal);
  }

  /** Declares the exchange, the queues with their bindings, and the delay exchange. */
  setup(): Promise<void> {
    return this.#connection.setup();
  }

  /**
   * Messages ready in the transport's queues (a passive declare of each, as Symfony counts):
   * messages delivered to a consumer and not yet acknowledged, and delayed ones, are not counted.
   */
  async getMessageCount(): Promise<number> {
    const counts = await this.#connection.countReady(this.queueNames);
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /**
   * The messages ready in the transport's queues, queue by queue, oldest first. AMQP cannot read a
   * queue without taking its messages: this takes them on a channel of its own (`basic.get`) and
   * closes it, which puts them back in place. While it runs, consumers do not get them; messages
   * delivered to consumers, and delayed ones, are not listed. Meant for failure transports.
   * `after` is a message id listed before.
   */
  async all(limit?: number, after?: string | number): Promise<readonly Envelope[]> {
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new InvalidArgumentError(`all() limit must be a whole number >= 0, got ${String(limit)}.`);
    }
    if (limit === 0) return [];
    const listed = await this.#browse(() => false);
    const from = after === undefined ? 0 : listed.findIndex((e) => idOf(e) === String(after)) + 1;
    const page = listed.slice(from);
    return limit === undefined ? page : page.slice(0, limit);
  }

  async find(id: string | number): Promise<Envelope | undefined> {
    const listed = await this.#browse((message) => message.properties.messageId === String(id));
    return listed.find((envelope) => idOf(envelope) === String(id));
  }

  /**
   * Takes the ready messages of the queues with `basic.get` on a channel of its own, up to the
   * first that `stop` accepts, then closes the channel: the broker puts them all back. `remove`
   * acknowledges the one found first, for good.
   */
  async #browse(stop: (message: GetMessage) => boolean, remove = false): Promise<Envelope[]> {
    let channel: Channel;
    try {
      channel = await this.#connection.channel();
    } catch (error) {
      throw this.#connection.wrap("list the messages on", error);
    }
    const listed: Envelope[] = [];
    try {
      for (const queue of this.queueNames) {
        for (;;) {
          const message = await channel.get(queue, { noAck: false });
          if (message === false) break;
          listed.push(this.#decode(message, queue, undefined));
          if (stop(message)) {
            if (remove) channel.ack(message);
            return listed;
          }
        }
      }
      return listed;
    } catch (error) {
      throw this.#connection.wrap("list the messages on", error);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** An envelope from all() or find() (messenger:failed:remove, retry): found again and acknowledged. */
  async #removeListed(envelope: Envelope): Promise<void> {
    const id = idOf(envelope);
    await this.#browse((message) => message.properties.messageId === id, true);
  }

  #deliveryOf(envelope: Envelope, operation: string): AmqpDelivery | undefined {
    const stamp = envelope.last(AmqpReceivedStamp);
    if (!stamp || !this.queueNames.includes(stamp.queueName)) {
      throw new LogicError(
        `Cannot ${operation} on AMQP transport "${this.name}" an envelope ${stamp ? `read from queue "${stamp.queueName}"` : "without an AmqpReceivedStamp"}: pass the envelope that this transport's get(), all() or find() returned.`,
        { code: "MISSING_TRANSPORT_MESSAGE_ID" },
      );
    }
    return stamp.delivery;
  }

  /** A message that does not decode becomes an UndecodableMessage envelope with its raw body: never an error. */
  #decode(message: Message, queue: string, delivery: AmqpDelivery | undefined): Envelope {
    const headers: Record<string, string> = {};
    const amqpHeaders = message.properties.headers as Record<string, unknown> | undefined;
    // for...in over amqplib's decoded table (a plain object): no array of pairs per message.
    for (const key in amqpHeaders) {
      const value = amqpHeaders[key];
      if (typeof value === "string" && !(key.startsWith("x-") && BROKER_HEADER.test(key)))
        headers[key] = value;
    }
    const contentType = message.properties.contentType as string | undefined;
    if (contentType !== undefined && headers["Content-Type"] === undefined)
      headers["Content-Type"] = contentType;
    const id = String(message.properties.messageId ?? `${queue}:${String(message.fields.deliveryTag)}`);
    return decodeOrUndecodable(this.#serializer, { body: message.content.toString("utf8"), headers }).with(
      new TransportMessageIdStamp(id),
      new AmqpReceivedStamp(queue, delivery, message.fields.routingKey),
    );
  }

  /**
   * Stops consuming: deliveries not acknowledged (released, or left by an aborted worker) go back
   * to the broker, which delivers them again at once; then closes the connection.
   */
  async close(): Promise<void> {
    await this.#consumer.close();
    await this.#connection.close();
  }
}

function idOf(envelope: Envelope): string {
  return String(envelope.last(TransportMessageIdStamp)?.id);
}

/**
 * This delivery's number: quorum queues count earlier deliveries in `x-delivery-count`; classic
 * queues only say whether there was one (`redelivered`), which counts as 2.
 */
function deliveriesOf(message: Message): number {
  const count = (message.properties.headers as Record<string, unknown> | undefined)?.["x-delivery-count"];
  if (typeof count === "number") return count + 1;
  return message.fields.redelivered ? 2 : 1;
}
