import { NonSendableStamp } from "../envelope/stamp.js";
import type { HandlerDescriptor } from "../handler/handler-descriptor.js";

/** A batch handler still holds this message: the worker must not acknowledge it yet. */
export class NoAutoAckStamp extends NonSendableStamp {
  constructor(readonly handlerDescriptor: HandlerDescriptor) {
    super();
  }
}
