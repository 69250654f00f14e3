import type { Trigger } from "./triggers/trigger.js";

/** One run of a recurring message: which schedule and message, and when it was due. */
export class MessageContext {
  constructor(
    /** The schedule's name. */
    readonly name: string,
    /** The recurring message's id. */
    readonly id: string,
    readonly trigger: Trigger,
    /** When this run was due (not when it was handled: a missed run keeps its own time). */
    readonly triggeredAt: Date,
    /** The next run of the same recurring message; null when it has none left. */
    readonly nextTriggerAt: Date | null,
  ) {}
}
