import { InvalidArgumentError, LogicError } from "@messenger-ts/core";
import type { TaskClass } from "./task-registry.js";

/** The method a task decorator on a class calls when it names none (Symfony's `__invoke`). */
export const DEFAULT_TASK_METHOD = "run";

/**
 * The class and method a task decorator applies to: on a class, `method` (default `run`); on a
 * method, that method.
 */
export function taskTarget(
  decorator: string,
  target: object,
  propertyKey: string | symbol | undefined,
  method: string | undefined,
): { readonly type: TaskClass; readonly method: string } {
  if (propertyKey === undefined) {
    const type = target as TaskClass;
    const name = method ?? DEFAULT_TASK_METHOD;
    if (typeof type.prototype?.[name] !== "function") {
      throw new InvalidArgumentError(
        `@${decorator} on class ${type.name}: it has no method "${name}"; add it or set { method: "..." }.`,
        { code: "INVALID_TASK" },
      );
    }
    return { type, method: name };
  }
  const type = (target as { constructor: TaskClass }).constructor;
  if (typeof propertyKey !== "string") {
    throw new InvalidArgumentError(`@${decorator}: task methods must have string names (${type.name}).`, {
      code: "INVALID_TASK",
    });
  }
  if (method !== undefined) {
    throw new LogicError(
      `@${decorator} on method ${type.name}.${propertyKey} must not set "method": the decorated method is the task.`,
      { code: "INVALID_TASK" },
    );
  }
  return { type, method: propertyKey };
}
