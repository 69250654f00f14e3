import type { Envelope } from "../../envelope/envelope.js";
import type { Receiver } from "../receiver.js";

/** A receiver over several named queues that can be asked for some of them (`--queues`). */
export interface QueueReceiver extends Receiver {
  getFromQueues(queueNames: readonly string[]): Promise<readonly Envelope[]>;
}

export function isQueueReceiver(value: unknown): value is QueueReceiver {
  return typeof (value as Partial<QueueReceiver> | null)?.getFromQueues === "function";
}
