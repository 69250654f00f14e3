import { Stamp } from "../envelope/stamp.js";
import { stampFields, stringField } from "./stamp-json.js";

/** The bus the message was first dispatched on, so a worker dispatches it on the same bus. */
export class BusNameStamp extends Stamp {
  static readonly stampName = "BusNameStamp";

  constructor(readonly busName: string) {
    super();
  }

  static fromJSON(data: unknown): BusNameStamp {
    return new BusNameStamp(
      stringField(stampFields(data, BusNameStamp.stampName), "busName", BusNameStamp.stampName),
    );
  }
}
