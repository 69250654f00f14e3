import { Stamp } from "../envelope/stamp.js";
import { stampFields, stringField } from "./stamp-json.js";

/** The message was moved to a failure transport from `originalReceiverName`. */
export class SentToFailureTransportStamp extends Stamp {
  static readonly stampName = "SentToFailureTransportStamp";

  constructor(readonly originalReceiverName: string) {
    super();
  }

  static fromJSON(data: unknown): SentToFailureTransportStamp {
    const name = SentToFailureTransportStamp.stampName;
    return new SentToFailureTransportStamp(
      stringField(stampFields(data, name), "originalReceiverName", name),
    );
  }
}
