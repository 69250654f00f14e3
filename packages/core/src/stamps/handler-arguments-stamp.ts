import { NonSendableStamp } from "../envelope/stamp.js";

/** Extra arguments passed to every handler after the message (and after the acknowledger). */
export class HandlerArgumentsStamp extends NonSendableStamp {
  constructor(readonly additionalArguments: readonly unknown[]) {
    super();
  }
}
