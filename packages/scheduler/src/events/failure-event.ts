import type { MessageContext } from "../message-context.js";
import type { Schedule } from "../schedule.js";

/**
 * A scheduled message failed. `error` is rebuilt from the error details the worker recorded
 * (class name, code, message, stack), because the transport learns of the failure through
 * `reject()`; `willRetry` tells whether the transport keeps a retry copy.
 */
export class FailureEvent {
  constructor(
    readonly schedule: Schedule,
    readonly context: MessageContext,
    readonly message: object,
    readonly error: Error,
    readonly willRetry: boolean,
  ) {}
}
