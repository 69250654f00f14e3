import type { Schedule } from "./schedule.js";

/**
 * Gives the schedule of one name. A `Schedule` is its own provider; an application class (often
 * decorated with `@AsSchedule(name)`) builds one from its dependencies. Resolved lazily, once per
 * generator, so building a provider must not need the schedule to run.
 */
export interface ScheduleProvider {
  getSchedule(): Schedule;
}

export function isScheduleProvider(value: unknown): value is ScheduleProvider {
  return typeof (value as Partial<ScheduleProvider> | null)?.getSchedule === "function";
}
