import type { MessageContext } from "../message-context.js";
import type { Schedule } from "../schedule.js";

/** After a scheduled message was handled successfully (and its run saved in the checkpoint). */
export class PostRunEvent {
  constructor(
    readonly schedule: Schedule,
    readonly context: MessageContext,
    readonly message: object,
  ) {}
}
