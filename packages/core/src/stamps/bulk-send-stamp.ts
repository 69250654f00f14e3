import type { Envelope } from "../envelope/envelope.js";
import { NonSendableStamp } from "../envelope/stamp.js";

/** Where the send step of a bulk dispatch leaves what it would send (see `MessageBus.dispatchMany`). */
export interface BulkSendCollector {
  /**
   * Takes the envelope to send to one transport later, with the others, in one round trip (the
   * send step's envelope without this stamp, and what the send step returns).
   * False once the bulk dispatch is over: the send step then sends at once.
   */
  collect(
    index: number,
    transportName: string,
    sender: { send(envelope: Envelope): Promise<Envelope> },
    envelope: Envelope,
  ): boolean;
}

/**
 * Put by `dispatchMany` on each message it dispatches: the send step hands the message to the
 * collector instead of sending it, and the bus sends every collected message afterwards, one
 * round trip per transport.
 */
export class BulkSendStamp extends NonSendableStamp {
  constructor(
    readonly collector: BulkSendCollector,
    /** The message's position in the `dispatchMany` call. */
    readonly index: number,
  ) {
    super();
  }
}
