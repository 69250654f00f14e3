import {
  ConsumedByWorkerStamp,
  type Envelope,
  InvalidArgumentError,
  isEnvelopeAwareError,
  type MessageBus,
  ReceivedStamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import type { InMemoryTransport } from "./in-memory-transport.js";

export interface ProcessQueuedOptions {
  /**
   * The name the received stamp carries; give the transport's configured name when handlers are
   * restricted with `fromTransport`. @defaultValue "in-memory"
   */
  readonly transportName?: string;
  /** Stop after handling this many messages. @defaultValue no limit */
  readonly limit?: number;
}

/**
 * Test helper, not a worker: handles what is waiting on `transport` by dispatching each message
 * on `bus`, one at a time, until nothing due is left. Messages sent while handling are handled
 * too. Delayed messages wait until the transport's clock reaches them.
 *
 * Each envelope is dispatched with a received stamp and a consumed-by-worker stamp, as a worker
 * would, and acked once its handlers succeeded. A failure is not retried: the message is rejected,
 * nothing further is handled and the error is thrown. Messages go to `bus` whatever their bus-name
 * stamp says.
 *
 * @returns how many messages were handled successfully
 */
export async function processQueued(
  transport: InMemoryTransport,
  bus: MessageBus,
  options: ProcessQueuedOptions = {},
): Promise<number> {
  const transportName = options.transportName ?? "in-memory";
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
    throw new InvalidArgumentError(
      `processQueued() limit must be a whole number >= 0, got ${String(limit)}.`,
    );
  }
  let handled = 0;
  while (handled < limit) {
    // One at a time, so that a failure or the limit never leaves other messages claimed.
    const [received] = await transport.get(1);
    if (!received) break;
    const envelope = received.with(new ReceivedStamp(transportName), new ConsumedByWorkerStamp());
    let result: Envelope;
    try {
      result = await bus.dispatch(envelope);
    } catch (error) {
      // The error's envelope shows what the handlers did before failing; keep it for getRejected().
      const failed =
        isEnvelopeAwareError(error) && error.envelope.has(TransportMessageIdStamp)
          ? error.envelope
          : envelope;
      await transport.reject(failed);
      throw error;
    }
    await transport.ack(result.has(TransportMessageIdStamp) ? result : envelope);
    handled++;
  }
  return handled;
}
