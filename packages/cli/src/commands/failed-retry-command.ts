import type { Messenger } from "@messenger-ts/core";
import { defineCommand } from "../console/console-command.js";
import type { ConsoleOutput } from "../console/console-output.js";
import { ExitCode } from "../console/exit-code.js";
import { UsageError } from "../console/usage-error.js";
import {
  addFailedCommandOptions,
  type FailedCommandOptions,
  filterFrom,
} from "../failed/failed-command-options.js";
import { describeFailedMessage, type FailedMessage } from "../failed/failed-message.js";
import {
  type FailureTransport,
  printPendingCount,
  resolveFailureTransport,
} from "../failed/failure-transport.js";
import { listFailedMessages } from "../failed/list-failed-messages.js";
import { askAction } from "../failed/operator-prompts.js";
import { renderFailedMessage } from "../failed/render-failed-message.js";
import { retryFailedMessage } from "../failed/retry-failed-message.js";
import { skipFailedMessage } from "../failed/skip-failed-message.js";

interface RetryOptions extends FailedCommandOptions {
  readonly force?: boolean;
}

/**
 * `messenger:failed:retry [ids...]`: handles messages of a failure transport again, each through a
 * one-shot worker, so a message that fails again goes back through retry and the failure
 * transport. By id; or, without ids, every message matching the filters, or (interactively) one
 * message after another, asking what to do with each unless `--force`.
 */
export const failedRetryCommand = defineCommand<RetryOptions>({
  name: "messenger:failed:retry",
  description: "Retry one or more messages from a failure transport",
  configure(command) {
    command
      .argument("[ids...]", "ids of the messages to retry")
      .option("--force", "retry without asking what to do with each message");
    addFailedCommandOptions(command);
  },
  async execute({ args, options }, context) {
    const { output, interactive, application, signal } = context;
    const ids = args[0] as string[];
    const filter = filterFrom(options);
    if (ids.length > 0 && filter.isActive) {
      throw new UsageError(
        "Pass either message ids or filters (--class-filter, --failed-after, --failed-before), not both.",
        { code: "CONFLICTING_ARGUMENTS" },
      );
    }
    if (ids.length === 0 && !filter.isActive && !interactive) {
      throw new UsageError("Message id must be passed when in non-interactive mode.", {
        code: "MISSING_MESSAGE_ID",
      });
    }
    const { messenger } = await application();
    const transport = await resolveFailureTransport(messenger, options.transport, output, {
      interactive,
      signal,
    });
    await printPendingCount(transport, output);
    output.comment(`To retry all the messages, run messenger:consume ${transport.name}`);

    const session = new RetrySession(messenger, transport, output, signal, interactive && !options.force);
    if (ids.length > 0) {
      for (const id of ids) {
        if (signal.aborted) break;
        const envelope = await transport.receiver.find(id);
        if (envelope === undefined) {
          output.error(`The message "${id}" was not found in the "${transport.name}" failure transport.`);
          session.problems++;
          continue;
        }
        if ((await session.handle(describeFailedMessage(envelope))) === "stop") break;
      }
    } else {
      // One message after another, always the oldest still to do, so messages that arrive or leave
      // meanwhile are fine. Skipped ones are remembered; one that fails again during this run comes
      // back with a new id and a later failure time, and waits for the next run.
      const startedAt = messenger.clock.now();
      const seen = new Set<string>();
      const selection = {
        isActive: true,
        matches: (message: FailedMessage) =>
          filter.matches(message) &&
          message.id !== undefined &&
          !seen.has(message.id) &&
          (message.failedAt === undefined || message.failedAt.getTime() < startedAt),
      };
      while (!signal.aborted) {
        const next = (await listFailedMessages(transport.receiver, selection, 1)).messages[0];
        if (next === undefined) break;
        seen.add(next.id!);
        if ((await session.handle(next)) === "stop") break;
      }
      if (session.seen === 0) {
        output.success(
          filter.isActive
            ? `No failed messages match the filter (${filter.describe()}).`
            : "No failed messages were found.",
        );
        return ExitCode.Success;
      }
    }

    if (session.stopped || signal.aborted) {
      output.warning("Stopped; the messages not handled yet stay in the failure transport.");
    } else if (session.problems === 0) {
      output.success("All done!");
    }
    return session.problems > 0 ? ExitCode.Failure : ExitCode.Success;
  },
});

/** One run of the command: what it does with each message, and what went wrong. */
class RetrySession {
  /** Messages that were not found, could not be decoded or failed again. */
  problems = 0;
  seen = 0;
  stopped = false;

  constructor(
    private readonly messenger: Messenger,
    private readonly transport: FailureTransport,
    private readonly output: ConsoleOutput,
    private readonly signal: AbortSignal,
    private readonly ask: boolean,
  ) {}

  async handle(message: FailedMessage): Promise<"continue" | "stop"> {
    this.seen++;
    const { output, transport } = this;
    const id = message.id ?? "(no id)";
    if (message.undecodable && !this.ask) {
      output.error(`The message "${id}" could not be decoded, it can only be shown or removed.`);
      this.problems++;
      return "continue";
    }
    if (this.ask) {
      // The view says why an undecodable message cannot be retried; the question then leaves it out.
      renderFailedMessage(message, transport.name, output, { hints: false });
      const action = await askAction(this.signal, { canRetry: !message.undecodable });
      if (action === undefined) {
        this.stopped = true;
        return "stop";
      }
      if (action === "delete") {
        await transport.receiver.reject(message.envelope);
        output.success(`Message with id ${id} removed.`);
        return "continue";
      }
      if (action === "skip") {
        await skipFailedMessage(this.messenger, transport.name, message.envelope);
        output.note(`Message with id ${id} skipped; it stays in the "${transport.name}" failure transport.`);
        return "continue";
      }
    }
    const outcome = await retryFailedMessage(this.messenger, transport.name, message.envelope);
    if (outcome.status === "handled") {
      output.success(`Message with id ${id} was handled successfully.`);
    } else if (outcome.status === "failed") {
      this.problems++;
      output.warning(`Message with id ${id} failed again: ${outcome.error.message}`);
      if (outcome.retry) {
        output.comment(
          `It is back in the "${transport.name}" failure transport for retry #${outcome.retry.retryCount}${outcome.retry.id === undefined ? "" : ` as message ${outcome.retry.id}`}.`,
        );
      }
    } else {
      output.note(`Message with id ${id} was taken over by a listener; it was neither handled nor rejected.`);
    }
    return "continue";
  }
}
