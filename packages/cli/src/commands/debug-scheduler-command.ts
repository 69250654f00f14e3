import type { RecurringMessageDescription, ScheduleRegistry } from "@messenger-ts/scheduler";
import { defineCommand } from "../console/console-command.js";
import { ExitCode } from "../console/exit-code.js";
import { addFormatOption, type OutputFormat } from "../console/format-option.js";
import { dateTime } from "../console/option-parsers.js";
import { UsageError } from "../console/usage-error.js";
import { formatRfc2822 } from "../debug/format-rfc2822.js";
import { loadScheduler } from "../debug/load-scheduler.js";

interface DebugSchedulerOptions {
  readonly format: OutputFormat;
  /** A date, or `"now"` when not given or given as `now`. */
  readonly date: Date | "now";
  readonly all?: boolean;
}

/**
 * `debug:scheduler [schedules...] [--date=now] [--all] [--format=txt|json]`: each schedule's
 * recurring messages with their trigger, provider and next run (RFC 2822, in the process's time
 * zone). Finished ones are hidden unless `--all`.
 */
export const debugSchedulerCommand = defineCommand<DebugSchedulerOptions>({
  name: "debug:scheduler",
  description: "List schedules and their recurring messages",
  configure(command) {
    command
      .argument("[schedules...]", "schedule names (default: every schedule)")
      .option(
        "--date <date>",
        "compute the next runs from this date (ISO 8601)",
        (value: string) => (value === "now" ? "now" : dateTime(value)),
        "now",
      )
      .option("--all", "also show the recurring messages that will not run again");
    addFormatOption(command);
  },
  async execute({ args, options }, { output, application }) {
    const { schedules } = await application();
    const known = schedules?.names() ?? [];
    if (!schedules || known.length === 0) {
      output.error("No schedules found.");
      return ExitCode.Usage;
    }
    const given = args[0] as string[];
    for (const name of given) {
      if (!known.includes(name)) {
        throw new UsageError(`Unknown schedule "${name}"; available schedules: ${known.join(", ")}.`, {
          code: "UNKNOWN_SCHEDULE",
        });
      }
    }
    const date = options.date === "now" ? new Date() : options.date;
    const descriptions = await describe(schedules, given.length > 0 ? given : known, date);
    const shown = (messages: readonly RecurringMessageDescription[]) =>
      options.all ? messages : messages.filter((m) => m.nextRunDates.length > 0);

    if (options.format === "json") {
      output.json({
        date: date.toISOString(),
        schedules: Object.fromEntries(
          descriptions.map(({ name, messages }) => [
            name,
            shown(messages).map((m) => ({
              id: m.id,
              trigger: m.trigger,
              provider: m.provider,
              message_types: m.messageClasses,
              next_run: m.nextRunDates[0]?.toISOString() ?? null,
            })),
          ]),
        ),
      });
      return ExitCode.Success;
    }
    output.title("Scheduler");
    if (options.date !== "now") {
      output.comment(`All next run dates computed from ${formatRfc2822(date)}.`);
    }
    for (const { name, messages } of descriptions) {
      output.section(name);
      if (messages.length === 0) {
        output.warning(`No recurring messages found for schedule "${name}".`);
        continue;
      }
      output.table(
        ["Trigger", "Provider", "Next Run"],
        shown(messages).map((m) => [
          m.trigger,
          m.provider,
          m.nextRunDates[0] ? formatRfc2822(m.nextRunDates[0]) : "-",
        ]),
      );
    }
    return ExitCode.Success;
  },
});

async function describe(registry: ScheduleRegistry, names: readonly string[], date: Date) {
  const { describeSchedules } = await loadScheduler();
  return describeSchedules(registry, { names, date });
}
