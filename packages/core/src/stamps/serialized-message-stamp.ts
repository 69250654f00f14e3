import { NonSendableStamp } from "../envelope/stamp.js";

/** The body as it was received; re-encoding (retry, failure transport) reuses it byte for byte. */
export class SerializedMessageStamp extends NonSendableStamp {
  constructor(readonly serializedMessage: string) {
    super();
  }
}
