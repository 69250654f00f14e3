import type { Envelope } from "../envelope/envelope.js";
import type { Logger } from "../logger/logger.js";
import { isKeepaliveReceiver, type KeepaliveReceiver } from "../transport/capabilities/keepalive-receiver.js";
import type { Receiver } from "../transport/receiver.js";

/** The share of a receiver's redelivery timeout after which the worker sends a keepalive. */
const DEFAULT_FRACTION = 1 / 3;

interface InHand {
  readonly envelope: Envelope;
  readonly receiverName: string;
}

/**
 * One timer per worker (never one per message) that tells keepalive-capable receivers the
 * messages in hand are still being worked on, so a long handler's message is not delivered twice.
 * A keepalive that fails is logged, not fatal: at worst the message is delivered again.
 */
export class KeepaliveTimer {
  readonly #interval: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly receivers: ReadonlyMap<string, Receiver>,
    private readonly inHand: () => Iterable<InHand>,
    interval: number | false | undefined,
    private readonly logger: Logger,
  ) {
    this.#interval = interval === false ? undefined : (interval ?? KeepaliveTimer.defaultInterval(receivers));
  }

  /** A third of the shortest redelivery timeout any receiver states; undefined when none does. */
  static defaultInterval(receivers: ReadonlyMap<string, Receiver>): number | undefined {
    let shortest: number | undefined;
    for (const receiver of receivers.values()) {
      if (!isKeepaliveReceiver(receiver) || !receiver.redeliveryTimeout) continue;
      shortest = Math.min(shortest ?? Number.POSITIVE_INFINITY, receiver.redeliveryTimeout);
    }
    return shortest === undefined ? undefined : Math.max(1, Math.floor(shortest * DEFAULT_FRACTION));
  }

  get interval(): number | undefined {
    return this.#interval;
  }

  start(): void {
    if (this.#interval === undefined || this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.#interval);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Sends one keepalive for every message in hand whose receiver supports it. */
  async tick(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const { envelope, receiverName } of this.inHand()) {
      const receiver = this.receivers.get(receiverName);
      if (!isKeepaliveReceiver(receiver)) continue;
      pending.push(this.#keepalive(receiver, envelope, receiverName));
    }
    await Promise.all(pending);
  }

  async #keepalive(receiver: KeepaliveReceiver, envelope: Envelope, receiverName: string): Promise<void> {
    try {
      await receiver.keepalive(envelope);
    } catch (error) {
      this.logger.warn(
        { transport: receiverName, error },
        "Keepalive failed; the message may be delivered again",
      );
    }
  }
}
