import { NonSendableStamp } from "../envelope/stamp.js";

/** Marks an envelope that came from a transport: it is handled, never sent again. */
export class ReceivedStamp extends NonSendableStamp {
  constructor(readonly transportName: string) {
    super();
  }
}
