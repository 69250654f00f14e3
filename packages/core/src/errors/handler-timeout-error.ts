import { MessengerError } from "./messenger-error.js";

/**
 * A handler ran longer than its timeout. Its signal was aborted with this error and its result,
 * should it still come, is discarded (and logged). It carries no retry marker: like any other
 * handler failure, the transport's retry strategy decides about a retry, and a message whose
 * handler keeps hanging ends in the failure transport once the retries are used up.
 */
export class HandlerTimeoutError extends MessengerError {
  constructor(
    /** The handler's name (`Class.method`, or the function name). */
    readonly handlerName: string,
    /** The timeout it overran, in milliseconds. */
    readonly timeout: number,
  ) {
    super("HANDLER_TIMEOUT", `Handler ${handlerName} did not finish within its timeout of ${timeout} ms.`);
  }
}
