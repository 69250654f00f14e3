import { Stamp } from "../envelope/stamp.js";
import { MessageDecodingFailedError } from "../errors/message-decoding-failed-error.js";
import { numberField, stampFields } from "./stamp-json.js";

/**
 * When the message was first sent to a transport, in milliseconds since the epoch. It travels
 * with the message, so a worker in another process can tell how long the message waited (the
 * metrics' time from send to handle). Retry and failure-transport copies keep the original one.
 */
export class SentAtStamp extends Stamp {
  static readonly stampName = "SentAtStamp";
  /** Only metrics read it: a bad one from another producer is dropped, never the message. */
  static readonly dropWhenUndecodable = true;

  constructor(readonly sentAt: number) {
    super();
  }

  static fromJSON(data: unknown): SentAtStamp {
    const name = SentAtStamp.stampName;
    const sentAt = numberField(stampFields(data, name), "sentAt", name);
    if (!Number.isSafeInteger(sentAt) || sentAt < 0) {
      throw new MessageDecodingFailedError(
        `Could not decode stamp "${name}": "sentAt" must be a whole number of milliseconds since the epoch >= 0, got ${String(sentAt)}.`,
      );
    }
    return new SentAtStamp(sentAt);
  }
}
