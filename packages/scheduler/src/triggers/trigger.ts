/**
 * When a recurring message runs.
 *
 * Contract for implementers:
 * - `getNextRunDate(after)` returns the first run strictly after `after`, or null when there is
 *   none left (the recurring message is finished). The generator feeds each result back in, so a
 *   trigger that returns a date not after its input is a bug the generator reports.
 * - It should be cheap and must not do I/O: it runs inside a worker's poll.
 * - `description` says what the trigger does in words ("every 10 minutes", "0 3 * * *"). It
 *   is what `debug:scheduler` prints, and it is part of the recurring message's id, so it must be
 *   the same in every process for the same configuration.
 */
export interface Trigger {
  getNextRunDate(after: Date): Date | null;
  readonly description: string;
}

/**
 * A trigger whose schedule is anchored at a start time (a periodical trigger without `from`).
 * The generator calls `continue(startedAt)` with the schedule's first start, kept in the
 * checkpoint, so the cadence stays the same across restarts.
 */
export interface StatefulTrigger extends Trigger {
  continue(startedAt: Date): void;
}

export function isStatefulTrigger(trigger: Trigger): trigger is StatefulTrigger {
  return typeof (trigger as Partial<StatefulTrigger>).continue === "function";
}
