import { type Command, Option } from "commander";
import { dateTime } from "../console/option-parsers.js";
import { FailedMessageFilter } from "./failed-message-filter.js";

/** The options every failed:* command shares. */
export interface FailedCommandOptions {
  /** A failure transport's name; `true` for the bare option, which asks on a terminal. */
  readonly transport?: string | true;
  readonly classFilter?: string;
  readonly failedAfter?: Date;
  readonly failedBefore?: Date;
}

/** `--transport`, `--class-filter`, `--failed-after` and `--failed-before`. */
export function addFailedCommandOptions(command: Command): Command {
  return command
    .option(
      "--transport [name]",
      "the failure transport (default: the global failure transport; without a name: ask which)",
    )
    .option("--class-filter <name>", "only messages of this class or type name (Job or app.job)")
    .addOption(
      new Option(
        "--failed-after <date>",
        "only messages that failed at or after this date (ISO 8601)",
      ).argParser(dateTime),
    )
    .addOption(
      new Option(
        "--failed-before <date>",
        "only messages that failed at or before this date (ISO 8601)",
      ).argParser(dateTime),
    );
}

export function filterFrom(options: FailedCommandOptions): FailedMessageFilter {
  return new FailedMessageFilter({
    classFilter: options.classFilter,
    failedAfter: options.failedAfter,
    failedBefore: options.failedBefore,
  });
}
