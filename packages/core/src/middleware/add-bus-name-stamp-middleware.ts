import type { Envelope } from "../envelope/envelope.js";
import { BusNameStamp } from "../stamps/bus-name-stamp.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "./application-dispatch-shortcut.js";
import type { Middleware, Stack } from "./middleware.js";
import { shortcutUnlessOverridden } from "./shortcut-unless-overridden.js";

/** Stamps the bus name once, so a worker dispatches the message again on the bus it came from. */
export class AddBusNameStampMiddleware implements Middleware {
  /**
   * The one stamp every envelope of this bus shares (stamps are immutable). Frozen, so the
   * serializer may encode it once for every message it sends.
   */
  readonly #stamp: BusNameStamp;
  readonly #shortcut: ApplicationDispatchShortcut;

  constructor(busName: string) {
    this.#stamp = Object.freeze(new BusNameStamp(busName));
    this.#shortcut = { skippable: true, addsStamp: this.#stamp };
  }

  get [applicationDispatchShortcut](): ApplicationDispatchShortcut | undefined {
    return shortcutUnlessOverridden(this, AddBusNameStampMiddleware, this.#shortcut);
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    if (!envelope.has(BusNameStamp)) envelope = envelope.with(this.#stamp);
    return stack.next().handle(envelope, stack);
  }
}
