import { isStatefulTrigger, type StatefulTrigger, type Trigger } from "./trigger.js";

/**
 * A trigger that wraps another and changes its dates (jitter, excluded periods). It forwards
 * `continue()` so a wrapped stateful trigger keeps its anchor.
 */
export abstract class AbstractDecoratedTrigger implements StatefulTrigger {
  constructor(protected readonly trigger: Trigger) {}

  abstract getNextRunDate(after: Date): Date | null;
  abstract get description(): string;

  /** The innermost, undecorated trigger. */
  inner(): Trigger {
    let inner = this.trigger;
    while (inner instanceof AbstractDecoratedTrigger) inner = inner.trigger;
    return inner;
  }

  /** This decorator and the ones it wraps, outermost first. */
  *decorators(): Generator<AbstractDecoratedTrigger> {
    yield this;
    if (this.trigger instanceof AbstractDecoratedTrigger) yield* this.trigger.decorators();
  }

  continue(startedAt: Date): void {
    if (isStatefulTrigger(this.trigger)) this.trigger.continue(startedAt);
  }

  toString(): string {
    return this.description;
  }
}
