import { LogicError } from "@messenger-ts/core";
import { RedispatchMessage } from "../messages/redispatch-message.js";
import { ServiceCallMessage } from "../messages/service-call-message.js";
import { RecurringMessage } from "../recurring-message.js";
import type { DateInput } from "../support/to-time.js";

/** A class whose instances run tasks. */
export type TaskClass = new (...args: any[]) => object;

/** What `@AsCronTask` / `@AsPeriodicTask` recorded. */
export type TaskDefinition = {
  readonly schedule: string;
  readonly serviceId: string;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly jitter?: number;
  readonly transports?: readonly string[];
} & (
  | { readonly kind: "cron"; readonly expression: string; readonly timezone?: string }
  | {
      readonly kind: "every";
      readonly frequency: number | string;
      readonly from?: DateInput;
      readonly until?: DateInput;
    }
);

const services = new Map<string, TaskClass>();
const tasks: TaskDefinition[] = [];

/**
 * Makes a class callable by {@link ServiceCallMessage} under `id`. The task decorators do it with
 * the class name; two different classes cannot share an id.
 */
export function registerTaskService(id: string, type: TaskClass): void {
  const existing = services.get(id);
  if (existing && existing !== type) {
    throw new LogicError(
      `Two task classes claim the service id "${id}". Task services are named after their class: rename one of them.`,
      { code: "DUPLICATE_TASK_SERVICE" },
    );
  }
  services.set(id, type);
}

export function taskServiceFor(id: string): TaskClass | undefined {
  return services.get(id);
}

/** Records a task; its recurring message is built at once, so a bad expression fails at import. */
export function recordTask(type: TaskClass, task: TaskDefinition): void {
  registerTaskService(task.serviceId, type);
  recurringMessageForTask(task);
  tasks.push(task);
}

/** Every task recorded so far, of one schedule or of all. */
export function decoratedTasks(schedule?: string): readonly TaskDefinition[] {
  return schedule === undefined ? [...tasks] : tasks.filter((task) => task.schedule === schedule);
}

/** The recurring message that runs a task, as Symfony's AddScheduleMessengerPass builds it. */
export function recurringMessageForTask(task: TaskDefinition): RecurringMessage {
  let message: object = new ServiceCallMessage(task.serviceId, task.method, task.args);
  if (task.transports && task.transports.length > 0)
    message = new RedispatchMessage(message, task.transports);
  const recurring =
    task.kind === "cron"
      ? RecurringMessage.cron(task.expression, message, { timezone: task.timezone })
      : RecurringMessage.every(task.frequency, message, { from: task.from, until: task.until });
  return task.jitter ? recurring.withJitter(task.jitter) : recurring;
}
