import type { Channel, ConsumeMessage } from "amqplib";
import { writeNow } from "./amqp-socket-writes.js";

/**
 * The acknowledgements of one consuming channel, sent together once per turn of the event loop.
 * A worker finishes many messages in one turn; amqplib writes every frame to the socket on its
 * own, so one `basic.ack` per message costs a write (a system call and a TCP segment) each. Here
 * the acks asked for in one turn go out as one `basic.ack` with `multiple` set for the longest
 * run of settled deliveries at the head of the channel's unsettled ones (in delivery-tag order),
 * and one `basic.ack` each for the rest. A message is acknowledged only after ack() was called for
 * it: `multiple` never covers a delivery that is still open. ack() resolves once its ack was
 * written to the connection, and rejects if the channel closed first (the broker then delivers
 * the message again).
 */
export class AmqpChannelAcks {
  readonly #channel: Channel;
  /** What a failed batch rejects with, made from amqplib's error once per batch, not per ack. */
  readonly #failure: (error: unknown) => unknown;
  /** Deliveries of this channel the broker still counts as unacknowledged, in delivery-tag order. */
  #unsettled: ConsumeMessage[] = [];
  /** Of those: ack() asked for, not yet written. */
  readonly #toAck = new Set<ConsumeMessage>();
  /** Of those: already settled one by one (a nack, or an ack behind an open delivery). */
  readonly #settled = new Set<ConsumeMessage>();
  /** The acks asked for in this turn share one promise: no promise per message. */
  #batch: Batch | undefined;

  constructor(channel: Channel, failure: (error: unknown) => unknown = (error) => error) {
    this.#channel = channel;
    this.#failure = failure;
  }

  /** The broker delivered this message on the channel (deliveries come in tag order). */
  delivered(message: ConsumeMessage): void {
    this.#unsettled.push(message);
  }

  /** Asks for the ack; it goes out with the others of this turn (setImmediate). */
  ack(message: ConsumeMessage): Promise<void> {
    this.#toAck.add(message);
    let batch = this.#batch;
    const fresh = !batch;
    if (!batch) {
      batch = newBatch();
      this.#batch = batch;
    }
    // Nothing open left on the channel: no other ack can join, and the broker sends no more until
    // it has these (a prefetch window used up). Waiting for the turn's end would only add delay.
    if (this.#toAck.size + this.#settled.size === this.#unsettled.length) {
      this.#flushBatch(batch);
    } else if (fresh) {
      // Written at the end of the turn; a batch flushed before then needs no such pass (at a
      // prefetch of 1, none does: one setImmediate less per message).
      const scheduled = batch;
      setImmediate(() => this.#flushBatch(scheduled));
    }
    return batch.promise;
  }

  /** basic.nack at once (rare: failures), one message only. Throws amqplib's error on a closed channel. */
  nack(message: ConsumeMessage, requeue: boolean): void {
    this.#channel.nack(message, false, requeue);
    this.#settled.add(message);
  }

  /** Writes the acks asked for so far, now: before the channel is closed on purpose. */
  flush(): void {
    const batch = this.#batch;
    if (batch) this.#flushBatch(batch);
  }

  /**
   * The channel closed: acks not yet written fail now, with the failure made of amqplib's error
   * for a write to a closed channel (the broker delivers those messages again).
   */
  closed(): void {
    this.flush();
    this.#toAck.clear();
    this.#settled.clear();
    this.#unsettled = [];
  }

  #flushBatch(batch: Batch): void {
    if (this.#batch !== batch) return;
    this.#batch = undefined;
    try {
      this.#write();
    } catch (error) {
      batch.reject(this.#failure(error));
      return;
    }
    batch.resolve();
    // To the socket now, not after the rest of the turn's work: the broker refills the prefetch
    // window only once it has the acks.
    writeNow(this.#channel);
  }

  #write(): void {
    const unsettled = this.#unsettled;
    // The head: settled deliveries, and ones to ack now; the last of the latter is acked with `multiple`.
    let head = 0;
    let last = -1;
    while (head < unsettled.length) {
      const message = unsettled[head]!;
      if (this.#toAck.has(message)) last = head;
      else if (!this.#settled.has(message)) break;
      head++;
    }
    if (last >= 0) this.#channel.ack(unsettled[last]!, last > 0);
    for (let i = 0; i < head; i++) {
      this.#toAck.delete(unsettled[i]!);
      this.#settled.delete(unsettled[i]!);
    }
    // Behind an open delivery: one ack each (`multiple` would acknowledge the open one too).
    for (const message of this.#toAck) {
      this.#channel.ack(message, false);
      this.#settled.add(message);
    }
    this.#toAck.clear();
    this.#unsettled = head === 0 ? unsettled : unsettled.slice(head);
  }
}

interface Batch {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody awaits any more (its acks' callers gave up) must not be an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
