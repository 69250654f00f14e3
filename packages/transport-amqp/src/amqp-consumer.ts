import { TransportError } from "@messenger-ts/core";
import type { Channel, ConsumeMessage } from "amqplib";
import { AmqpChannelAcks } from "./amqp-channel-acks.js";
import type { AmqpConnection } from "./amqp-connection.js";

/**
 * How long an empty take() right after acks waits for the broker's refill: a round trip on the
 * same host is 50–100 µs, a busy one a few hundred. Bounded so that a queue with no more messages
 * delays the worker's idle wait by at most this much.
 */
const REFILL_WAIT_MS = 1;

/** One message the broker delivered to this consumer, not yet acknowledged or rejected. */
export interface AmqpDelivery {
  readonly message: ConsumeMessage;
  readonly queue: string;
  /** The channel that delivered it: only that channel can ack it. */
  readonly channel: Channel;
  /** That channel's acknowledgements, sent together once per event-loop turn. */
  readonly acks: AmqpChannelAcks;
}

/**
 * Consumes the transport's queues with `basic.consume` and a prefetch count (the broker pushes at
 * most that many unacknowledged messages per queue), into a buffer that get() empties. A lost
 * channel drops what it had delivered and not yet been acknowledged: the broker delivers those
 * messages again, to this consumer after it reconnects or to another one.
 */
export class AmqpConsumer {
  readonly #connection: AmqpConnection;
  #prefetch: number;
  #channel: Channel | undefined;
  #acks: AmqpChannelAcks | undefined;
  #starting: Promise<Channel> | undefined;
  #queues: readonly string[] = [];
  #buffer: AmqpDelivery[] = [];
  /** Delivered and neither acknowledged, rejected nor lost with their channel. */
  readonly #outstanding = new Set<AmqpDelivery>();
  /** Waits (wait()) to end when a delivery comes or the channel closes. */
  readonly #waiters = new Set<() => void>();
  #closed = false;
  /** The consumer (re)started and no take() has looked yet. */
  #fresh = false;
  /**
   * Acks were asked for since the last delivery: the broker refills the prefetch window within a
   * round trip if the queue has more, so an empty take() waits briefly for that (see take()).
   */
  #refillDue = false;

  readonly #prepare: () => Promise<void>;

  /** `prepare` runs before each consume: the transport's auto_setup declares the queues there. */
  constructor(connection: AmqpConnection, prefetch: number, prepare: () => Promise<void>) {
    this.#connection = connection;
    this.#prefetch = prefetch;
    this.#prepare = prepare;
  }

  /** Takes effect on the next consume (a running one keeps its count until it reconnects). */
  set prefetch(count: number) {
    this.#prefetch = count;
  }

  get prefetch(): number {
    return this.#prefetch;
  }

  /** Consuming these queues: starts the consumer, or restarts it for another set of queues. */
  async ensure(queues: readonly string[]): Promise<Channel> {
    if (this.#closed) throw new TransportError("The AMQP transport is closed.");
    if (this.#channel && sameQueues(this.#queues, queues)) return this.#channel;
    if (this.#starting && sameQueues(this.#queues, queues)) return this.#starting;
    if (this.#channel) await this.#stop(true);
    this.#queues = [...queues];
    const starting = this.#start(queues).finally(() => {
      if (this.#starting === starting) this.#starting = undefined;
    });
    this.#starting = starting;
    return starting;
  }

  async #start(queues: readonly string[]): Promise<Channel> {
    await this.#prepare();
    const channel = await this.#connection.channel();
    const acks = new AmqpChannelAcks(channel, (error) =>
      this.#connection.wrap("acknowledge a message on", error),
    );
    // Listened to before the first await: a channel that closes while the consumer starts (a
    // killed connection) must not be kept as the live one, which would wait for deliveries forever.
    let lost = false;
    channel.on("close", () => {
      lost = true;
      this.#lost(channel, acks);
    });
    try {
      await channel.prefetch(this.#prefetch, false);
      for (const queue of queues) {
        await channel.consume(queue, (message) => this.#deliver(channel, acks, queue, message), {
          noAck: false,
        });
      }
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw this.#connection.wrap(`consume queue(s) ${queues.map((q) => `"${q}"`).join(", ")} on`, error);
    }
    if (lost)
      throw new TransportError(
        "The AMQP channel closed while the consumer started; it starts again on next use.",
      );
    if (this.#closed) {
      await channel.close().catch(() => undefined);
      throw new TransportError("The AMQP transport is closed.");
    }
    this.#channel = channel;
    this.#acks = acks;
    this.#fresh = true;
    return channel;
  }

  #deliver(channel: Channel, acks: AmqpChannelAcks, queue: string, message: ConsumeMessage | null): void {
    // null: the broker cancelled the consumer (the queue was deleted): consume again on next use.
    if (message === null) {
      void channel.close().catch(() => undefined);
      return;
    }
    const delivery: AmqpDelivery = { message, queue, channel, acks };
    this.#refillDue = false;
    acks.delivered(message);
    this.#outstanding.add(delivery);
    this.#buffer.push(delivery);
    this.#wakeAll();
  }

  /** The channel closed: what it delivered is the broker's again. */
  #lost(channel: Channel, acks: AmqpChannelAcks): void {
    if (this.#channel === channel) {
      this.#channel = undefined;
      this.#acks = undefined;
    }
    acks.closed();
    this.#buffer = this.#buffer.filter((delivery) => delivery.channel !== channel);
    for (const delivery of [...this.#outstanding]) {
      if (delivery.channel === channel) this.#outstanding.delete(delivery);
    }
    this.#wakeAll();
  }

  /**
   * What the broker delivered and no get() took yet. Right after the consumer started, an empty
   * buffer waits for one round trip per queue on the consuming channel (a passive declare): the
   * broker sends the deliveries of messages that were ready before its answer, so the first get()
   * finds them. Later, an empty buffer returns at once (the broker pushes, and an idle worker
   * waits for the push; a round trip per empty get() would keep the queue's process busy), except
   * right after acks: then the broker is refilling the prefetch window, and waiting up to
   * REFILL_WAIT_MS for that delivery costs a timer, where returning empty sends the worker through
   * its idle wait (an AbortController, timers and listeners: 20 µs and more a message at a prefetch
   * of 1). A queue that has no more costs one such wait before the worker idles.
   */
  async take(queues: readonly string[]): Promise<AmqpDelivery[]> {
    // Consuming these queues already: no await (a few microtasks) before looking at the buffer.
    const running = this.#channel;
    const channel = running && sameQueues(this.#queues, queues) ? running : await this.ensure(queues);
    const fresh = this.#fresh;
    this.#fresh = false;
    if (fresh && this.#buffer.length === 0) {
      try {
        await Promise.all(queues.map((queue) => channel.checkQueue(queue)));
      } catch (error) {
        throw this.#connection.wrap("read from", error);
      }
    }
    if (this.#buffer.length === 0 && this.#refillDue) {
      this.#refillDue = false;
      await this.#nextDelivery(REFILL_WAIT_MS);
    }
    const taken = this.#buffer;
    this.#buffer = [];
    return taken;
  }

  /** Whether the broker still holds this delivery for us (its channel is open, it is unfinished). */
  holds(delivery: AmqpDelivery): boolean {
    return this.#outstanding.has(delivery);
  }

  /**
   * basic.ack, sent with the other acks of this event-loop turn (see AmqpChannelAcks): resolves
   * once written, rejects if the channel closed first.
   */
  ack(delivery: AmqpDelivery): Promise<void> {
    this.#finish(delivery, "acknowledge");
    this.#refillDue = true;
    return delivery.acks.ack(delivery.message);
  }

  /** basic.nack without requeue: the queue's dead-letter exchange gets it, if it has one. */
  reject(delivery: AmqpDelivery, requeue = false): void {
    this.#finish(delivery, "reject", () => delivery.acks.nack(delivery.message, requeue));
  }

  /** Checks the delivery is still ours and takes it out of the open ones; `act` settles it at once. */
  #finish(delivery: AmqpDelivery, what: string, act?: () => void): void {
    if (!this.#outstanding.has(delivery)) {
      throw new TransportError(
        `Cannot ${what} message ${String(delivery.message.properties.messageId)} of queue "${delivery.queue}" on ${this.#connection.target}: the channel that delivered it closed, and the broker delivers it again.`,
      );
    }
    try {
      act?.();
    } catch (error) {
      throw this.#connection.wrap(`${what} a message on`, error);
    }
    this.#outstanding.delete(delivery);
  }

  /**
   * Hands deliveries back to this consumer's buffer, first in line, without going through the
   * broker: the next get() returns them and the broker counts no new delivery. The channel still
   * holds them; close() gives them back to the broker.
   */
  release(deliveries: readonly AmqpDelivery[]): void {
    const back = deliveries.filter(
      (delivery) => this.#outstanding.has(delivery) && !this.#buffer.includes(delivery),
    );
    if (back.length === 0) return;
    this.#buffer = [...back, ...this.#buffer];
    this.#wakeAll();
  }

  /**
   * Resolves when a delivery waits in the buffer, after `maxWaitMs`, or on abort. While the
   * consumer is down (the broker went away), it tries to consume again every half second, so an
   * idle worker takes up messages soon after the broker is back. Never rejects.
   */
  async wait(queues: readonly string[], maxWaitMs: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    while (!signal.aborted && !this.#closed && this.#buffer.length === 0 && Date.now() < deadline) {
      if (!this.#channel) {
        const started = await this.ensure(queues).then(
          () => true,
          () => false,
        );
        if (!started) await sleep(Math.min(500, deadline - Date.now()), signal);
        // Deliveries may have come while it started: look at the buffer again before waiting.
        continue;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
        signal.addEventListener("abort", done);
        this.#waiters.add(done);
      });
    }
  }

  /** Resolves when a delivery comes (or the channel closes, or close()), or after `ms`. */
  #nextDelivery(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  #wakeAll(): void {
    // Most deliveries find nobody waiting: no copy of the set for them.
    if (this.#waiters.size === 0) return;
    for (const wake of [...this.#waiters]) wake();
  }

  /** Cancels the consumer; with `handBack`, deliveries no get() took go back to the broker first. */
  async #stop(handBack: boolean): Promise<void> {
    const channel = this.#channel;
    this.#channel = undefined;
    if (!channel) return;
    // Acks asked for and not yet written go out first: closing would hand those messages back too.
    this.#acks?.flush();
    this.#acks = undefined;
    if (handBack) {
      for (const delivery of this.#buffer) {
        if (delivery.channel === channel) this.#outstanding.delete(delivery);
      }
    }
    this.#buffer = this.#buffer.filter((delivery) => delivery.channel !== channel);
    // Closing the channel gives every unacknowledged message back to the broker.
    await channel.close().catch(() => undefined);
  }

  /**
   * Stops consuming and closes the channel: deliveries not acknowledged go back to the broker,
   * which delivers them again at once (to another worker).
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#starting?.catch(() => undefined);
    await this.#stop(true);
    this.#outstanding.clear();
    this.#wakeAll();
  }
}

function sameQueues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((queue, i) => queue === b[i]);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
