import type { Envelope } from "../envelope/envelope.js";
import { NonSendableStamp } from "../envelope/stamp.js";

/** Carries the worker's acknowledge callback; batch handlers use it to ack later. */
export class AckStamp extends NonSendableStamp {
  constructor(readonly ack: (envelope: Envelope, error?: Error) => void) {
    super();
  }
}
