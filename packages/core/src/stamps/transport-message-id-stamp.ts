import { Stamp } from "../envelope/stamp.js";
import { stampFields, stringOrNumberField } from "./stamp-json.js";

/** The transport's own id for the stored message (listing, finding, logging). */
export class TransportMessageIdStamp extends Stamp {
  static readonly stampName = "TransportMessageIdStamp";

  constructor(readonly id: string | number) {
    super();
  }

  static fromJSON(data: unknown): TransportMessageIdStamp {
    const fields = stampFields(data, TransportMessageIdStamp.stampName);
    return new TransportMessageIdStamp(stringOrNumberField(fields, "id", TransportMessageIdStamp.stampName));
  }
}
