import { recordTask } from "./task-registry.js";
import { taskTarget } from "./task-target.js";

export interface AsCronTaskOptions {
  /** IANA time zone the expression is read in. @defaultValue UTC */
  readonly timezone?: string;
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
 * Runs a method at the times a cron expression matches: on a class (its `run` method, or
 * `method`) or on a method. Repeatable. The task becomes a recurring message of the schedule
 * `schedule`, sending `ServiceCallMessage("<ClassName>", method, arguments)`, which
 * `ServiceCallMessageHandler` runs on an instance resolved from the messenger's container.
 * `#` fields are seeded by `@<ClassName>::<method>`.
 *
 * @example
 * ```ts
 * @AsCronTask("#midnight", { timezone: "Europe/Prague" })
 * class PurgeExpiredLeads { async run() { ... } }
 * ```
 */
export function AsCronTask(expression: string, options: AsCronTaskOptions = {}) {
  return (target: object, propertyKey?: string | symbol, _descriptor?: PropertyDescriptor): void => {
    const { type, method } = taskTarget("AsCronTask", target, propertyKey, options.method);
    recordTask(type, {
      kind: "cron",
      expression,
      timezone: options.timezone,
      schedule: options.schedule ?? "default",
      serviceId: type.name,
      method,
      args: [...(options.arguments ?? [])],
      jitter: options.jitter,
      transports: typeof options.transports === "string" ? [options.transports] : options.transports,
    });
  };
}
