import { type Logger, TransportAuthenticationError, TransportError } from "@messenger-ts/core";
import {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  connect,
  type Message,
  type Options,
} from "amqplib";
import { AmqpErrorCodes } from "./amqp-error-codes.js";
import { AMQP_FLAGS, type ResolvedAmqpOptions, type ResolvedQueue } from "./amqp-options.js";
import { coalesceWrites } from "./amqp-socket-writes.js";

/** One message to publish with confirms. */
export interface OutgoingAmqpMessage {
  readonly exchange: string;
  readonly routingKey: string;
  readonly content: Buffer;
  readonly properties: Options.Publish;
}

/** A delay queue to declare before a delayed message is published to it (Symfony's layout). */
export interface DelayQueue {
  readonly name: string;
  readonly ttl: number;
  readonly deadLetterExchange: string;
  readonly deadLetterRoutingKey: string;
}

/**
 * What the connection tells its users: it closed (the broker went away, or close() was called).
 * The consumer drops what the closed channel delivered: the broker delivers it again.
 */
export type ConnectionListener = () => void;

const hasFlag = (flags: number, flag: number) => (flags & flag) === flag;

/**
 * The transport's one AMQP connection, opened on first use and again after it was lost: a confirm
 * channel for publishing, channels on demand for consuming and browsing, and the setup of
 * Symfony's exchange, queues, bindings and delay queues. Every amqplib failure comes out as a
 * TransportError naming the broker (never the password).
 */
export class AmqpConnection {
  readonly #options: ResolvedAmqpOptions;
  readonly #label: string;
  readonly #logger: Logger;
  readonly target: string;
  #model: ChannelModel | undefined;
  #connecting: Promise<ChannelModel> | undefined;
  #publisher: Promise<ConfirmChannel> | undefined;
  /** Message ids the broker returned as unroutable (mandatory), until their confirm comes. */
  readonly #returned = new Set<string>();
  #setUp: Promise<void> | undefined;
  readonly #delayQueues = new Map<string, Promise<void>>();
  readonly #listeners = new Set<ConnectionListener>();
  #closed = false;

  constructor(options: ResolvedAmqpOptions, label: string, logger: Logger) {
    this.#options = options;
    this.#label = label;
    this.#logger = logger;
    const host = options.host.includes(":") ? `[${options.host}]` : options.host;
    this.target = `${options.tls ? "amqps" : "amqp"}://${host}:${options.port}/${encodeURIComponent(options.vhost)}`;
  }

  onClose(listener: ConnectionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The open connection, or a new one. Concurrent callers share one attempt. */
  async model(): Promise<ChannelModel> {
    if (this.#closed) throw new TransportError(`The AMQP ${this.#label} is closed.`);
    if (this.#model) return this.#model;
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<ChannelModel> {
    const o = this.#options;
    const connectOptions: Options.Connect = {
      protocol: o.tls ? "amqps" : "amqp",
      hostname: o.host,
      port: o.port,
      username: o.user,
      password: o.password,
      vhost: o.vhost,
      ...(o.heartbeat === undefined ? {} : { heartbeat: o.heartbeat }),
      ...(o.frameMax === undefined ? {} : { frameMax: o.frameMax }),
      ...(o.channelMax === undefined ? {} : { channelMax: o.channelMax }),
    };
    let model: ChannelModel;
    try {
      model = await connect(connectOptions, {
        timeout: o.connectTimeout,
        // Acks and publishes are small frames: Nagle's algorithm would hold each one back until the
        // broker acknowledged the previous segment, adding a delayed-ACK wait per message.
        noDelay: true,
        clientProperties: {
          // The name operators see in rabbitmqctl list_connections; the pid tells processes apart.
          connection_name: o.connectionName ?? `messenger-ts ${this.#label} pid ${process.pid}`,
        },
        ...(o.tls
          ? {
              servername: /^[\d.]+$|:/.test(o.host) ? undefined : o.host,
              ca: o.ca,
              cert: o.cert,
              key: o.key,
              rejectUnauthorized: o.verify,
            }
          : {}),
      });
    } catch (error) {
      throw this.#error("connect to", error);
    }
    if (this.#closed) {
      await model.close().catch(() => undefined);
      throw new TransportError(`The AMQP ${this.#label} is closed.`);
    }
    this.#model = model;
    coalesceWrites(model);
    // amqplib emits "error" before "close" for a connection the broker ended; "close" resets.
    model.on("error", (error: Error) => {
      this.#logger.warn({ error: String(error.message), broker: this.target }, "AMQP connection error");
    });
    model.on("close", () => {
      if (this.#model !== model) return;
      this.#model = undefined;
      this.#publisher = undefined;
      this.#setUp = undefined;
      this.#delayQueues.clear();
      for (const listener of [...this.#listeners]) listener();
    });
    return model;
  }

  /** A new channel on the connection; its failures close it, never the process. */
  async channel(): Promise<Channel> {
    const model = await this.model();
    try {
      const channel = await model.createChannel();
      channel.on("error", () => undefined);
      return channel;
    } catch (error) {
      throw this.#error("open a channel on", error);
    }
  }

  async #publisherChannel(): Promise<ConfirmChannel> {
    const existing = this.#publisher;
    if (existing) return existing;
    const created = (async () => {
      const model = await this.model();
      const channel = await model.createConfirmChannel();
      channel.on("error", () => undefined);
      channel.on("return", (message: Message) => {
        const id = message.properties.messageId as string | undefined;
        if (id) this.#returned.add(id);
      });
      channel.on("close", () => {
        if (this.#publisher === created) this.#publisher = undefined;
      });
      return channel;
    })();
    this.#publisher = created;
    created.catch(() => {
      if (this.#publisher === created) this.#publisher = undefined;
    });
    return created;
  }

  /**
   * Publishes every message and resolves once the broker confirmed all of them. A nack, a message
   * returned as unroutable (mandatory), a closed channel or no confirm within `confirm_timeout`
   * rejects: the caller must not take the message as stored.
   */
  async publish(messages: readonly OutgoingAmqpMessage[], delayQueues: readonly DelayQueue[]): Promise<void> {
    if (this.#options.autoSetup) await this.setupOnce();
    for (const queue of delayQueues) await this.#declareDelayQueue(queue);
    let channel: ConfirmChannel;
    try {
      channel = await this.#publisherChannel();
    } catch (error) {
      throw this.#error("publish to", error);
    }
    // One promise for the whole batch, settled by a count of confirms: no promise per message.
    await new Promise<void>((resolve, reject) => {
      let waiting = messages.length;
      let settled = false;
      const fail = (error: TransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new TransportError(
              `The AMQP broker at ${this.target} did not confirm ${messages.length === 1 ? "a message" : `${messages.length} messages`} of ${this.#label} within confirm_timeout (${this.#options.confirmTimeout / 1000} s): it may or may not have stored ${messages.length === 1 ? "it" : "them"}.`,
              { code: AmqpErrorCodes.AMQP_PUBLISH_NOT_CONFIRMED },
            ),
          ),
        this.#options.confirmTimeout,
      );
      try {
        for (const message of messages) {
          const id = message.properties.messageId as string | undefined;
          channel.publish(
            message.exchange,
            message.routingKey,
            message.content,
            message.properties,
            (error) => {
              if (error) {
                fail(this.#notConfirmed(error));
              } else if (id && this.#returned.delete(id)) {
                fail(
                  new TransportError(
                    `The AMQP broker at ${this.target} could route no queue for message ${id} (exchange "${message.exchange}", routing key "${message.routingKey}") of ${this.#label}, published as mandatory.`,
                    { code: AmqpErrorCodes.AMQP_UNROUTABLE },
                  ),
                );
              } else if (--waiting === 0 && !settled) {
                settled = true;
                clearTimeout(timer);
                resolve();
              }
            },
          );
        }
      } catch (error) {
        fail(this.#error("publish to", error));
      }
    });
  }

  #notConfirmed(error: unknown): TransportError {
    const text = error instanceof Error ? error.message : String(error);
    return new TransportError(
      /closed/i.test(text)
        ? `The channel to the AMQP broker at ${this.target} closed before it confirmed a message of ${this.#label}: it may or may not have stored it (${text}).`
        : `The AMQP broker at ${this.target} refused a message of ${this.#label} (nack): it is not stored.`,
      { code: AmqpErrorCodes.AMQP_PUBLISH_NOT_CONFIRMED, cause: error },
    );
  }

  /** setup() once per connection (auto_setup): declaring is idempotent, but costs round trips. */
  setupOnce(): Promise<void> {
    this.#setUp ??= this.setup().catch((error: unknown) => {
      this.#setUp = undefined;
      throw error;
    });
    return this.#setUp;
  }

  /**
   * Declares the exchange, the queues and their bindings, and the delay exchange, as Symfony's
   * setup does. Runs on a channel of its own: a declaration RabbitMQ refuses (an existing queue
   * with other arguments) closes that channel, and the error says why.
   */
  async setup(): Promise<void> {
    const o = this.#options;
    await this.#withChannel("set up exchanges and queues on", async (channel) => {
      if (o.exchange.name !== "") {
        await channel.assertExchange(o.exchange.name, o.exchange.type, {
          durable: hasFlag(o.exchange.flags, AMQP_FLAGS.DURABLE),
          autoDelete: hasFlag(o.exchange.flags, AMQP_FLAGS.AUTODELETE),
          internal: hasFlag(o.exchange.flags, AMQP_FLAGS.INTERNAL),
          arguments: o.exchange.arguments,
        });
      }
      for (const queue of o.queues) {
        await declareQueue(channel, queue);
        if (o.exchange.name === "") continue;
        for (const key of queue.bindingKeys ?? [""]) {
          await channel.bindQueue(queue.name, o.exchange.name, key, queue.bindingArguments);
        }
      }
      await channel.assertExchange(o.delay.exchangeName, "direct", { durable: true });
    });
  }

  /**
   * Symfony's delay queue: a message waits `ttl` ms in it, then RabbitMQ dead-letters it to the
   * target exchange with the original routing key. The queue expires 10 s after its last use.
   * Declared (and bound) once per connection and delay.
   */
  #declareDelayQueue(queue: DelayQueue): Promise<void> {
    let declared = this.#delayQueues.get(queue.name);
    if (!declared) {
      declared = this.#withChannel("declare a delay queue on", async (channel) => {
        await channel.assertExchange(this.#options.delay.exchangeName, "direct", { durable: true });
        await channel.assertQueue(queue.name, {
          durable: true,
          arguments: {
            "x-message-ttl": queue.ttl,
            "x-expires": queue.ttl + 10_000,
            "x-dead-letter-exchange": queue.deadLetterExchange,
            "x-dead-letter-routing-key": queue.deadLetterRoutingKey,
          },
        });
        await channel.bindQueue(queue.name, this.#options.delay.exchangeName, queue.name);
      });
      this.#delayQueues.set(queue.name, declared);
      declared.catch(() => this.#delayQueues.delete(queue.name));
      // A delay queue expires 10 s after its last use: declare it again after that, not once for good.
      const forget = setTimeout(
        () => this.#delayQueues.delete(queue.name),
        Math.min(queue.ttl + 5_000, 2 ** 31 - 1),
      );
      forget.unref();
    }
    return declared;
  }

  /** Ready messages per queue (queue.declare passive, as Symfony counts); a missing queue is 0. */
  async countReady(queues: readonly string[]): Promise<number[]> {
    return Promise.all(
      queues.map((name) =>
        this.#withChannel(
          "count the messages on",
          async (channel) => (await channel.checkQueue(name)).messageCount,
        ).catch((error: unknown) => {
          if (isNotFound(error)) return 0;
          throw error;
        }),
      ),
    );
  }

  /** Runs `work` on a short-lived channel, closed after it; failures become TransportErrors. */
  async #withChannel<T>(what: string, work: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await this.channel();
    try {
      return await work(channel);
    } catch (error) {
      throw this.#error(what, error);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** An amqplib failure as a TransportError: what failed, on which broker, and the driver's reason. */
  #error(what: string, error: unknown): TransportError {
    if (error instanceof TransportError) return error;
    const text = error instanceof Error ? error.message : String(error);
    const message = `Could not ${what} the AMQP broker at ${this.target} (${this.#label}): ${text}`;
    if (/ACCESS[-_]REFUSED|403/.test(text) && /handshake|login|auth/i.test(text)) {
      return new TransportAuthenticationError(message, { cause: error });
    }
    return new TransportError(message, { cause: error });
  }

  /** Wraps a failure of a caller's own channel work the same way. */
  wrap(what: string, error: unknown): TransportError {
    return this.#error(what, error);
  }

  get connected(): boolean {
    return this.#model !== undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const model = this.#model ?? (await this.#connecting?.catch(() => undefined));
    this.#model = undefined;
    this.#listeners.clear();
    await model?.close().catch(() => undefined);
  }
}

/** Declares a queue with Symfony's flags (durable by default) and its arguments (x-queue-type…). */
export async function declareQueue(channel: Channel, queue: ResolvedQueue): Promise<void> {
  if (hasFlag(queue.flags, AMQP_FLAGS.PASSIVE)) {
    await channel.checkQueue(queue.name);
    return;
  }
  await channel.assertQueue(queue.name, {
    durable: hasFlag(queue.flags, AMQP_FLAGS.DURABLE),
    exclusive: hasFlag(queue.flags, AMQP_FLAGS.EXCLUSIVE),
    autoDelete: hasFlag(queue.flags, AMQP_FLAGS.AUTODELETE),
    arguments: queue.arguments,
  });
}

/** RabbitMQ's 404 (a passive declare of a missing queue). */
export function isNotFound(error: unknown): boolean {
  const text =
    error instanceof Error
      ? `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}`
      : String(error);
  return /NOT_FOUND|404/.test(text);
}
