import type { BatchHandler } from "../batch/batch-handler.js";
import { NonSendableStamp } from "../envelope/stamp.js";

/**
 * The part of a handler descriptor this stamp needs. Structural, so that stamps/ does not depend on
 * handler/ (which depends on stamps/): a `HandlerDescriptor` is one.
 */
export interface BatchHandlerReference {
  readonly name: string;
  getBatchHandler(): BatchHandler | undefined;
}

/** A batch handler still holds this message: the worker must not acknowledge it yet. */
export class NoAutoAckStamp extends NonSendableStamp {
  constructor(readonly handlerDescriptor: BatchHandlerReference) {
    super();
  }
}
