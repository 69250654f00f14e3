import { AsMessage, InvalidArgumentError } from "@messenger-ts/core";

/**
 * The message a task (`@AsCronTask`, `@AsPeriodicTask`) runs by: "call `method` of the task
 * service `serviceId` with `args`". Its string form, `@<serviceId>::<method>`, seeds hashed cron
 * fields, as in Symfony.
 */
@AsMessage("scheduler.service_call")
export class ServiceCallMessage {
  constructor(
    readonly serviceId: string,
    readonly method: string = "run",
    readonly args: readonly unknown[] = [],
  ) {
    if (typeof serviceId !== "string" || serviceId === "") {
      throw new InvalidArgumentError("ServiceCallMessage needs a service id.", { code: "INVALID_TASK" });
    }
  }

  toString(): string {
    return `@${this.serviceId}::${this.method}`;
  }
}
