import type { MessageContext } from "../message-context.js";
import type { Schedule } from "../schedule.js";

/**
 * Before a scheduled message is handed to the worker (once per message of a run, and again for
 * each in-process retry). A listener may cancel it: the message is then not handled at all and
 * the run counts as done.
 */
export class PreRunEvent {
  #cancelled = false;

  constructor(
    readonly schedule: Schedule,
    readonly context: MessageContext,
    readonly message: object,
  ) {}

  /** With an argument, sets whether the message is skipped; returns the current decision. */
  shouldCancel(cancel?: boolean): boolean {
    if (cancel !== undefined) this.#cancelled = cancel;
    return this.#cancelled;
  }
}
