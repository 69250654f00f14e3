import type { Envelope } from "../../envelope/envelope.js";
import { DeduplicateStamp } from "../../stamps/deduplicate-stamp.js";
import { DeduplicatedStamp } from "../../stamps/deduplicated-stamp.js";
import { PriorityStamp } from "../../stamps/priority-stamp.js";
import { RedeliveryStamp } from "../../stamps/redelivery-stamp.js";
import { SentToFailureTransportStamp } from "../../stamps/sent-to-failure-transport-stamp.js";

/**
 * The deduplication a transport applies to this send, or undefined. A retry copy (it carries a
 * `RedeliveryStamp`) and a message parked in a failure transport keep their `DeduplicateStamp`
 * but are stored as they are: the key belongs to the first dispatch, which the retry continues,
 * and a failure transport must keep every failed message.
 */
export function deduplicationOf(envelope: Envelope): DeduplicateStamp | undefined {
  const stamp = envelope.last(DeduplicateStamp);
  if (stamp === undefined || envelope.has(RedeliveryStamp) || envelope.has(SentToFailureTransportStamp)) {
    return undefined;
  }
  return stamp;
}

/** The envelope `send()` returns for a message whose key was held by the stored message `id`. */
export function markDeduplicated(
  envelope: Envelope,
  stamp: DeduplicateStamp,
  replaced: boolean,
  id: string | number | undefined,
): Envelope {
  return envelope.with(new DeduplicatedStamp(stamp.key, stamp.mode, replaced, id));
}

/** The message's priority (0 to 255, higher first); 0 without a `PriorityStamp`. */
export function priorityOf(envelope: Envelope): number {
  return envelope.last(PriorityStamp)?.priority ?? 0;
}

/**
 * When the message is due, in ms after the send: `debounce` waits `ttl` after each dispatch;
 * otherwise the delay stamp's delay.
 */
export function dueAfter(delay: number, stamp: DeduplicateStamp | undefined): number {
  return stamp?.mode === "debounce" ? stamp.ttl : delay;
}
