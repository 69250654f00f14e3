import { NonSendableStamp } from "../envelope/stamp.js";

/** Asks the batch handlers bound to this envelope to flush; `force` on worker stop. */
export class FlushBatchHandlersStamp extends NonSendableStamp {
  constructor(readonly force: boolean) {
    super();
  }
}
