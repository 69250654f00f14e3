import { isInspectOnlyTransport } from "@messenger-ts/core";
import { Option } from "commander";
import { defineCommand } from "../console/console-command.js";
import { ExitCode } from "../console/exit-code.js";
import { addFormatOption, type OutputFormat } from "../console/format-option.js";
import { positiveInteger } from "../console/option-parsers.js";
import { UsageError } from "../console/usage-error.js";
import { countFailedMessages } from "../failed/count-failed-messages.js";
import {
  addFailedCommandOptions,
  type FailedCommandOptions,
  filterFrom,
} from "../failed/failed-command-options.js";
import { describeFailedMessage } from "../failed/failed-message.js";
import { failedMessageDetailsJson, failedMessageSummaryJson } from "../failed/failed-message-json.js";
import { pendingCount, printPendingCount, resolveFailureTransport } from "../failed/failure-transport.js";
import { listFailedMessages } from "../failed/list-failed-messages.js";
import { renderFailedList, renderFailedStats } from "../failed/render-failed-list.js";
import { renderFailedMessage } from "../failed/render-failed-message.js";

interface ShowOptions extends FailedCommandOptions {
  readonly max: number;
  readonly stats?: boolean;
  readonly format: OutputFormat;
}

/**
 * `messenger:failed:show [id]`: the messages of a failure transport as a list, as counts per class
 * (`--stats`), or one message in detail. Filters apply before `--max`.
 */
export const failedShowCommand = defineCommand<ShowOptions>({
  name: "messenger:failed:show",
  description: "Show one message or messages from a failure transport",
  configure(command) {
    command
      .argument("[id]", "the id of one message to show in detail")
      .addOption(
        new Option("--max <count>", "the most messages to list").argParser(positiveInteger).default(50),
      )
      .option("--stats", "count the messages per class instead of listing them");
    addFailedCommandOptions(command);
    addFormatOption(command);
  },
  async execute({ args, options }, { output, application, interactive, signal }) {
    const id = args[0] as string | undefined;
    const filter = filterFrom(options);
    if (id !== undefined && (options.stats || filter.isActive)) {
      throw new UsageError(
        "Pass either a message id or --stats / filters (--class-filter, --failed-after, --failed-before), not both.",
        { code: "CONFLICTING_ARGUMENTS" },
      );
    }
    const json = options.format === "json";
    const { messenger } = await application();
    const transport = await resolveFailureTransport(messenger, options.transport, output, {
      interactive,
      signal,
    });
    // A listing command creates nothing: a mistyped path is an error, not a new empty store.
    if (isInspectOnlyTransport(transport.receiver)) transport.receiver.inspectOnly();

    if (id !== undefined) {
      const envelope = await transport.receiver.find(id);
      if (envelope === undefined) {
        output.error(`The message "${id}" was not found in the "${transport.name}" failure transport.`);
        return ExitCode.Failure;
      }
      const message = describeFailedMessage(envelope);
      if (json) output.json({ transport: transport.name, ...failedMessageDetailsJson(message) });
      else renderFailedMessage(message, transport.name, output);
      return ExitCode.Success;
    }

    if (options.stats) {
      // Read a page at a time, keeping only the counts (a failure transport may hold 100,000).
      const counts = await countFailedMessages(transport.receiver, filter);
      if (json) {
        output.json({
          transport: transport.name,
          pending: (await pendingCount(transport)) ?? null,
          filter: filter.toJSON(),
          classes: counts.classes.map(({ className, typeName, count }) => ({
            class: className,
            type: typeName ?? null,
            count,
          })),
          total: counts.total,
        });
        return ExitCode.Success;
      }
      await printPendingCount(transport, output);
      renderFailedStats(counts, filter, output);
      return ExitCode.Success;
    }

    const list = await listFailedMessages(transport.receiver, filter, options.max);
    if (json) {
      output.json({
        transport: transport.name,
        pending: (await pendingCount(transport)) ?? null,
        filter: filter.toJSON(),
        messages: list.messages.map(failedMessageSummaryJson),
        more: list.more,
      });
      return ExitCode.Success;
    }
    await printPendingCount(transport, output);
    renderFailedList(list, filter, options.max, transport.name, output);
    return ExitCode.Success;
  },
});
