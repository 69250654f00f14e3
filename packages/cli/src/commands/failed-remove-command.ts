import { defineCommand } from "../console/console-command.js";
import { ExitCode } from "../console/exit-code.js";
import { UsageError } from "../console/usage-error.js";
import {
  addFailedCommandOptions,
  type FailedCommandOptions,
  filterFrom,
} from "../failed/failed-command-options.js";
import { describeFailedMessage } from "../failed/failed-message.js";
import { resolveFailureTransport } from "../failed/failure-transport.js";
import { readFailedPages } from "../failed/list-failed-messages.js";
import { askConfirmation } from "../failed/operator-prompts.js";
import { removeFailedMessages } from "../failed/remove-failed-messages.js";
import { renderFailedMessage } from "../failed/render-failed-message.js";

interface RemoveOptions extends FailedCommandOptions {
  readonly all?: boolean;
  readonly force?: boolean;
  readonly showMessages?: boolean;
}

/**
 * `messenger:failed:remove [ids...]`: deletes messages from a failure transport for good, by id,
 * `--all`, or every message matching the filters; asks first unless `--force`.
 */
export const failedRemoveCommand = defineCommand<RemoveOptions>({
  name: "messenger:failed:remove",
  description: "Remove given messages from a failure transport",
  configure(command) {
    command
      .argument("[ids...]", "ids of the messages to remove")
      .option("--all", "remove every message (or every one matching the filters)")
      .option("--force", "remove without asking")
      .option("--show-messages", "show each message before it is removed");
    addFailedCommandOptions(command);
  },
  async execute({ args, options }, { output, interactive, application, signal }) {
    const ids = args[0] as string[];
    const filter = filterFrom(options);
    if (ids.length > 0 && options.all) {
      throw new UsageError("Pass either message ids or --all, not both.", { code: "CONFLICTING_ARGUMENTS" });
    }
    if (ids.length > 0 && filter.isActive) {
      throw new UsageError(
        "Pass either message ids or filters (--class-filter, --failed-after, --failed-before), not both.",
        { code: "CONFLICTING_ARGUMENTS" },
      );
    }
    if (ids.length === 0 && !options.all && !filter.isActive) {
      throw new UsageError(
        "Pass the ids of the messages to remove, --all, or a filter (--class-filter, --failed-after, --failed-before).",
        { code: "MISSING_MESSAGE_ID" },
      );
    }
    const force = options.force ?? false;
    if (!force && !interactive) {
      throw new UsageError(
        "Removing messages asks for confirmation, and this run is not interactive; pass --force to remove without asking.",
        { code: "CONFIRMATION_REQUIRED" },
      );
    }
    const { messenger } = await application();
    const transport = await resolveFailureTransport(messenger, options.transport, output, {
      interactive,
      signal,
    });

    if (ids.length > 0) {
      let missing = 0;
      for (const id of ids) {
        if (signal.aborted) break;
        const envelope = await transport.receiver.find(id);
        if (envelope === undefined) {
          output.error(`The message "${id}" was not found in the "${transport.name}" failure transport.`);
          missing++;
          continue;
        }
        if (ids.length === 1 || options.showMessages) {
          renderFailedMessage(describeFailedMessage(envelope), transport.name, output, { hints: false });
        }
        if (!force) {
          const answer = await askConfirmation(
            "Do you want to permanently remove this message?",
            false,
            signal,
          );
          if (answer === undefined) {
            output.warning("Stopped; the messages not removed yet stay in the failure transport.");
            break;
          }
          if (!answer) {
            output.note(`Message with id ${id} not removed.`);
            continue;
          }
        }
        await transport.receiver.reject(envelope);
        output.success(`Message with id ${id} removed.`);
      }
      return missing > 0 ? ExitCode.Failure : ExitCode.Success;
    }

    // Exactly the messages counted (and confirmed) are removed; any arriving meanwhile stay. Both
    // passes read the transport a page at a time: 100,000 failed messages are never held at once.
    let count = 0;
    let lastId: string | undefined;
    for await (const page of readFailedPages(transport.receiver)) {
      for (const message of page) {
        if (!filter.matches(message)) continue;
        count++;
        lastId = message.id;
        if (options.showMessages) renderFailedMessage(message, transport.name, output, { hints: false });
      }
    }
    if (count === 0) {
      output.success(
        filter.isActive
          ? `No failed messages match the filter (${filter.describe()}).`
          : "No failed messages were found.",
      );
      return ExitCode.Success;
    }
    if (filter.isActive) {
      output.writeErr(
        count === 1 ? "There is 1 message to remove.\n" : `There are ${count} messages to remove.\n`,
      );
    }
    if (!force) {
      const question = filter.isActive
        ? "Do you want to continue?"
        : `Do you want to permanently remove all (${count}) messages?`;
      // No answer (interrupted) is a no.
      if (!(await askConfirmation(question, false, signal))) {
        output.note("No messages were removed.");
        return ExitCode.Success;
      }
    }
    const removed = await removeFailedMessages(transport.receiver, filter, { count, lastId, signal });
    output.success(removed === 1 ? "1 message was removed." : `${removed} messages were removed.`);
    return ExitCode.Success;
  },
});
