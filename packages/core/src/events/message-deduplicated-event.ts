import type { Envelope } from "../envelope/envelope.js";
import type { DeduplicatedStamp } from "../stamps/deduplicated-stamp.js";

/**
 * Dispatched after a message was sent and at least one transport deduplicated it: dropped it, or
 * merged it into the stored message holding its key (`stamps`, one per such transport).
 */
export class MessageDeduplicatedEvent {
  constructor(
    readonly envelope: Envelope,
    readonly stamps: readonly DeduplicatedStamp[],
  ) {}
}
