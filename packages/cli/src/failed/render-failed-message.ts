import type { ConsoleOutput, TableCell } from "../console/console-output.js";
import { classLabel, type FailedMessage, messageBody } from "./failed-message.js";
import { formatDateTime } from "./format-date-time.js";

/**
 * The single-message view of `messenger:failed:show <id>` (and of the prompts of retry and
 * remove): Symfony's "Failed Message Details" table and message history; with -vv the message
 * body and the error's stack. A message that could not be decoded shows why, and its raw body.
 */
export function renderFailedMessage(
  message: FailedMessage,
  transportName: string,
  output: ConsoleOutput,
  options: { readonly hints?: boolean } = {},
): void {
  output.title("Failed Message Details");
  if (message.undecodable) {
    output.error(
      `This message could not be decoded: ${message.decodingError ?? "unknown reason"} It can only be shown or removed.`,
    );
  }
  if (message.originalTransport === undefined) {
    output.warning("Message does not appear to have been sent to this transport after failing.");
  }
  const rows: [string, TableCell][] = [["Class", classLabel(message)]];
  if (message.typeName !== undefined && message.typeName !== message.className) {
    rows.push(["Type", message.typeName]);
  }
  if (message.id !== undefined) rows.push(["Message Id", message.id]);
  rows.push(
    ["Failed at", message.failedAt ? formatDateTime(message.failedAt) : ""],
    ["Error", oneLine(message.error?.errorMessage ?? "")],
    ["Error Code", message.error?.errorCode ?? ""],
    ["Error Class", message.error?.errorClass ?? "(unknown)"],
    ["Transport", message.originalTransport ?? ""],
  );
  output.definitionList(rows);

  if (message.history.length > 0) {
    output.writeln("Message history:");
    for (const stamp of message.history) {
      const at = formatDateTime(stamp.redeliveredAt);
      output.writeln(
        stamp.retryCount === 0
          ? `  * Message failed at ${at} and was sent to the failure transport`
          : `  * Message failed at ${at} and was redelivered (retry #${stamp.retryCount})`,
      );
    }
    output.writeln();
  }

  if (message.undecodable) {
    output.section("Raw body");
    output.writeln(message.undecodable.body);
    output.writeln();
    if (output.isVeryVerbose) {
      output.section("Raw headers");
      output.definitionList(Object.entries(message.undecodable.headers));
    }
  } else if (output.isVeryVerbose) {
    output.section("Message");
    output.writeln(messageBody(message));
    output.writeln();
  }
  if (output.isVeryVerbose) {
    output.section("Error");
    const stack = message.error?.stack;
    output.writeln(stack ?? message.error?.errorMessage ?? "No error was recorded.");
    output.writeln();
  } else {
    output.comment("Re-run the command with -vv to see more message & error details.");
  }

  // The retry and remove hints; not while those commands ask about this very message.
  if (message.id === undefined || options.hints === false) return;
  if (!message.undecodable) {
    output.comment(
      `Run messenger:failed:retry ${message.id} --transport=${transportName} to retry this message.`,
    );
  }
  output.comment(`Run messenger:failed:remove ${message.id} --transport=${transportName} to delete it.`);
}

/** A cell of a plain table holds one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
