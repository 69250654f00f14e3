import type { Envelope } from "../envelope/envelope.js";
import { BusNameStamp } from "../stamps/bus-name-stamp.js";
import type { Middleware, Stack } from "./middleware.js";

/** Stamps the bus name once, so a worker dispatches the message again on the bus it came from. */
export class AddBusNameStampMiddleware implements Middleware {
  readonly #stamp: BusNameStamp;

  constructor(busName: string) {
    this.#stamp = new BusNameStamp(busName);
  }

  /** The one stamp every envelope of this bus shares (stamps are immutable). */
  get stamp(): BusNameStamp {
    return this.#stamp;
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    if (!envelope.has(BusNameStamp)) envelope = envelope.with(this.#stamp);
    return stack.next().handle(envelope, stack);
  }
}
