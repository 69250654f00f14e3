import { InvalidArgumentError, LogicError } from "@messenger-ts/core";
import type { ScheduleProvider } from "../schedule-provider.js";

/** A class whose instances provide a schedule. */
export type ScheduleProviderClass = new (...args: any[]) => ScheduleProvider;

const providers = new Map<string, ScheduleProviderClass>();

/**
 * Declares the class that provides the schedule `name` (Symfony's `#[AsSchedule]`). A
 * `ScheduleRegistry` finds it and builds one instance (through its `resolve` option, e.g. the
 * tsyringe container) the first time a worker consumes `scheduler_<name>`.
 *
 * @example
 * ```ts
 * @AsSchedule("default")
 * class DefaultSchedule implements ScheduleProvider {
 *   getSchedule() { return new Schedule().add(RecurringMessage.every("1 hour", new SyncLeads())); }
 * }
 * ```
 */
export function AsSchedule(name = "default") {
  return (target: ScheduleProviderClass): void => {
    if (typeof target.prototype?.getSchedule !== "function") {
      throw new InvalidArgumentError(
        `@AsSchedule("${name}") on ${target.name}: the class must implement ScheduleProvider (a getSchedule() method).`,
        { code: "INVALID_SCHEDULE_PROVIDER" },
      );
    }
    const existing = providers.get(name);
    if (existing && existing !== target) {
      throw new LogicError(
        `Schedule "${name}" has two providers: ${existing.name} and ${target.name}. Give one of them another name.`,
        { code: "DUPLICATE_SCHEDULE" },
      );
    }
    providers.set(name, target);
  };
}

/** The `@AsSchedule` classes, by schedule name. */
export function decoratedScheduleProviders(): ReadonlyMap<string, ScheduleProviderClass> {
  return new Map(providers);
}
