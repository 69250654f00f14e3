import type { DateInput } from "../support/to-time.js";
import { recordTask } from "./task-registry.js";
import { taskTarget } from "./task-target.js";

export interface AsPeriodicTaskOptions {
  /** The anchor of the runs. @defaultValue the schedule's first start */
  readonly from?: DateInput;
  /** No run at or after this date. */
  readonly until?: DateInput;
  /** Up to this many milliseconds of random delay on each run. */
  readonly jitter?: number;
  /** Arguments the method is called with. @defaultValue [] */
  readonly arguments?: readonly unknown[];
  /** On a class: the method to call. @defaultValue "run" */
  readonly method?: string;
  /** The schedule the task joins. @defaultValue "default" */
  readonly schedule?: string;
  /** Send the task's message to these transports instead of running it in the scheduler worker. */
  readonly transports?: string | readonly string[];
}

/**
 * Runs a method every `frequency` (milliseconds, `"10 minutes"`, `"PT1H"`...): on a class (its
 * `run` method, or `method`) or on a method. Repeatable. See {@link AsCronTask} for how the task
 * is run.
 *
 * @example
 * ```ts
 * class Maintenance {
 *   @AsPeriodicTask("10 minutes", { jitter: 30_000 })
 *   async refreshStats() { ... }
 * }
 * ```
 */
export function AsPeriodicTask(frequency: number | string, options: AsPeriodicTaskOptions = {}) {
  return (target: object, propertyKey?: string | symbol, _descriptor?: PropertyDescriptor): void => {
    const { type, method } = taskTarget("AsPeriodicTask", target, propertyKey, options.method);
    recordTask(type, {
      kind: "every",
      frequency,
      from: options.from,
      until: options.until,
      schedule: options.schedule ?? "default",
      serviceId: type.name,
      method,
      args: [...(options.arguments ?? [])],
      jitter: options.jitter,
      transports: typeof options.transports === "string" ? [options.transports] : options.transports,
    });
  };
}
