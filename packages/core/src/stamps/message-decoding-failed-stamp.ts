import { Stamp } from "../envelope/stamp.js";
import { stampFields, stringField } from "./stamp-json.js";

/**
 * The stored message could not be decoded. The envelope then wraps an undecodable-message
 * placeholder holding the raw body and headers, so the failure path keeps them for inspection.
 */
export class MessageDecodingFailedStamp extends Stamp {
  static readonly stampName = "MessageDecodingFailedStamp";

  constructor(readonly reason: string) {
    super();
  }

  static fromJSON(data: unknown): MessageDecodingFailedStamp {
    const name = MessageDecodingFailedStamp.stampName;
    return new MessageDecodingFailedStamp(stringField(stampFields(data, name), "reason", name));
  }
}
