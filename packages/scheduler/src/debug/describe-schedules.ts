import type { RecurringMessage } from "../recurring-message.js";
import type { ScheduleRegistry } from "../schedule-registry.js";
import { StaticMessageProvider } from "../static-message-provider.js";
import { messageTypeName } from "../support/message-identity.js";
import { type DateInput, toTime } from "../support/to-time.js";

/** One recurring message as `debug:scheduler` shows it. */
export interface RecurringMessageDescription {
  readonly id: string;
  /** The trigger's description ("every 10 minutes", "#daily" after hashing: "17 4 * * *"). */
  readonly trigger: string;
  /** The provider's description, else its id. */
  readonly provider: string;
  /** The type names of a fixed message provider's messages; empty for computed ones. */
  readonly messageClasses: readonly string[];
  /** The next runs from the given date, earliest first; empty when the trigger is finished. */
  readonly nextRunDates: readonly Date[];
}

export interface ScheduleDescription {
  readonly name: string;
  readonly messages: readonly RecurringMessageDescription[];
}

export interface DescribeSchedulesOptions {
  /** Only these schedules. @defaultValue every schedule of the registry */
  readonly names?: readonly string[];
  /** Next run dates are computed from here. @defaultValue now */
  readonly date?: DateInput;
  /** How many next run dates per message. @defaultValue 1 */
  readonly count?: number;
}

/**
 * What `debug:scheduler` prints: for each schedule, each recurring message's trigger, provider
 * and next run date(s) computed from `date`. An unknown name is an error naming the known ones.
 */
export function describeSchedules(
  registry: ScheduleRegistry,
  options: DescribeSchedulesOptions = {},
): ScheduleDescription[] {
  const from = toTime(options.date ?? Date.now(), "date");
  const count = Math.max(1, Math.floor(options.count ?? 1));
  const names = options.names ?? registry.names();
  return names.map((name) => ({
    name,
    messages: registry
      .getSchedule(name)
      .getRecurringMessages()
      .map((message) => describeMessage(message, from, count)),
  }));
}

function describeMessage(
  message: RecurringMessage,
  from: number,
  count: number,
): RecurringMessageDescription {
  const nextRunDates: Date[] = [];
  let after = new Date(from);
  while (nextRunDates.length < count) {
    const next = message.trigger.getNextRunDate(after);
    if (next === null || next.getTime() <= after.getTime()) break;
    nextRunDates.push(next);
    after = next;
  }
  const provider = message.provider;
  return {
    id: message.id,
    trigger: message.trigger.description,
    provider: provider.description || provider.id,
    messageClasses: provider instanceof StaticMessageProvider ? provider.messages.map(messageTypeName) : [],
    nextRunDates,
  };
}
