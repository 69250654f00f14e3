import type { Envelope } from "../envelope/envelope.js";
import { Stamp } from "../envelope/stamp.js";
import { MessageDecodingFailedError } from "../errors/message-decoding-failed-error.js";
import { numberField, stampFields, stringField } from "./stamp-json.js";

/** Retry counter and the time of the retry. */
export class RedeliveryStamp extends Stamp {
  static readonly stampName = "RedeliveryStamp";

  constructor(
    readonly retryCount: number,
    readonly redeliveredAt: Date = new Date(),
  ) {
    super();
  }

  /** The retry count of the last redelivery stamp, or 0. */
  static getRetryCountFromEnvelope(envelope: Envelope): number {
    return envelope.last(RedeliveryStamp)?.retryCount ?? 0;
  }

  static fromJSON(data: unknown): RedeliveryStamp {
    const fields = stampFields(data, RedeliveryStamp.stampName);
    const at = new Date(stringField(fields, "redeliveredAt", RedeliveryStamp.stampName));
    if (Number.isNaN(at.getTime())) {
      throw new MessageDecodingFailedError(
        `Could not decode stamp "${RedeliveryStamp.stampName}": "redeliveredAt" is not a date.`,
      );
    }
    return new RedeliveryStamp(numberField(fields, "retryCount", RedeliveryStamp.stampName), at);
  }
}
