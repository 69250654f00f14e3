import { Envelope, InvalidArgumentError } from "@messenger-ts/core";
import { messageIdentity } from "../support/message-identity.js";

/**
 * Sends a scheduled message on to real transports instead of handling it in the scheduler
 * worker: `RecurringMessage.every("1 hour", new RedispatchMessage(new Report(), "async"))`.
 *
 * {@link RedispatchMessageHandler} dispatches the inner message with a `TransportNamesStamp`, so
 * it is handled by the workers of those transports, with their retry strategy and failure
 * transport. The schedule transport puts the run's `ScheduledStamp` on the inner envelope too.
 */
export class RedispatchMessage {
  readonly transportNames: readonly string[];

  constructor(
    /** The message to send on, or an envelope of it with stamps of its own. */
    readonly message: object | Envelope,
    transportNames: string | readonly string[],
  ) {
    const names = typeof transportNames === "string" ? [transportNames] : [...transportNames];
    if (names.length === 0 || names.some((name) => typeof name !== "string" || name === "")) {
      throw new InvalidArgumentError(
        `RedispatchMessage needs one or more transport names, got ${JSON.stringify(transportNames)}.`,
        { code: "INVALID_TRANSPORT_NAMES" },
      );
    }
    this.transportNames = names;
  }

  /** Stable across processes: it seeds hashed cron fields and the recurring message's id. */
  toString(): string {
    const message = this.message instanceof Envelope ? this.message.message : this.message;
    return `${messageIdentity(message)} via ${this.transportNames.join(",")}`;
  }
}
