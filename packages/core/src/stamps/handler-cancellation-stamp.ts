import { NonSendableStamp } from "../envelope/stamp.js";

/**
 * Put on a received envelope by the worker: the context its handlers get (the signal the worker
 * aborts on a hard stop) and its transport's handler timeout, the one used when neither the
 * handler nor the message class sets one.
 */
export class HandlerCancellationStamp extends NonSendableStamp {
  /** The handler context (`HandlerContext`) built once per stamp: no allocation per message. */
  readonly context: { readonly signal: AbortSignal };

  constructor(
    signal: AbortSignal,
    /** Milliseconds; `undefined`: no timeout for this transport. */
    readonly timeout: number | undefined,
  ) {
    super();
    this.context = Object.freeze({ signal });
  }
}
