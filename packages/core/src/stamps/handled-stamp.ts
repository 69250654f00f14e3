import { Stamp } from "../envelope/stamp.js";
import { stampFields, stringField } from "./stamp-json.js";

/**
 * One per handler that succeeded, with its return value. A retry skips the handlers named here.
 * On the wire only the handler name travels: results are process-local and may not be JSON.
 */
export class HandledStamp extends Stamp {
  static readonly stampName = "HandledStamp";

  constructor(
    readonly result: unknown,
    readonly handlerName: string,
  ) {
    super();
  }

  static fromDescriptor(descriptor: { readonly name: string }, result: unknown): HandledStamp {
    return new HandledStamp(result, descriptor.name);
  }

  toJSON(): { handlerName: string } {
    return { handlerName: this.handlerName };
  }

  static fromJSON(data: unknown): HandledStamp {
    const fields = stampFields(data, HandledStamp.stampName);
    return new HandledStamp(null, stringField(fields, "handlerName", HandledStamp.stampName));
  }
}
