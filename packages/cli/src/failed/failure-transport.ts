import {
  isListableReceiver,
  isMessageCountAware,
  isStoredMessageCountAware,
  type ListableReceiver,
  type Messenger,
  MessengerError,
  type Receiver,
} from "@messenger-ts/core";
import type { ConsoleOutput } from "../console/console-output.js";
import { UsageError } from "../console/usage-error.js";
import { askFailureTransport } from "./operator-prompts.js";

/** The failure transport a failed:* command works on. */
export interface FailureTransport {
  readonly name: string;
  readonly receiver: Receiver & ListableReceiver;
}

/** How a failed:* command may ask which failure transport a bare `--transport` means. */
export interface FailureTransportQuestion {
  readonly interactive: boolean;
  readonly signal: AbortSignal;
}

/**
 * Picks the failure transport: `--transport=<name>` (one of the failure transports), else the
 * global one, with a note naming the others when there are several. A bare `--transport` asks
 * which on a terminal (Symfony's choice), and means the default otherwise. Its receiver must be
 * able to list and find messages, or none of the failed:* commands can work on it.
 */
export async function resolveFailureTransport(
  messenger: Messenger,
  given: string | true | undefined,
  output: ConsoleOutput,
  question: FailureTransportQuestion,
): Promise<FailureTransport> {
  const names = messenger.failureTransportNames;
  if (names.length === 0) {
    throw new MessengerError(
      "NO_FAILURE_TRANSPORT",
      "No failure transport is configured; set failureTransport (globally or on a transport) to keep messages whose retries are exhausted.",
    );
  }
  let name: string;
  if (given === true && question.interactive) {
    const chosen = await askFailureTransport(names, messenger.failureTransportName, question.signal);
    if (chosen === undefined) {
      throw new MessengerError("NO_TRANSPORT_CHOSEN", "No failure transport was chosen; nothing was done.");
    }
    name = chosen;
  } else if (typeof given === "string") {
    if (!names.includes(given)) {
      throw new UsageError(`Unknown failure transport "${given}"; failure transports: ${names.join(", ")}.`, {
        code: "UNKNOWN_FAILURE_TRANSPORT",
      });
    }
    name = given;
  } else {
    const global = messenger.failureTransportName;
    if (global === undefined) {
      throw new UsageError(
        `No default failure transport is defined; pass --transport=<name> with one of: ${names.join(", ")}.`,
        { code: "NO_DEFAULT_FAILURE_TRANSPORT" },
      );
    }
    name = global;
    if (names.length > 1) {
      output.note(
        `There are ${names.length} failure transports: ${names.join(", ")}. This command uses "${name}"; pass --transport=<name> for another.`,
      );
    }
  }
  const receiver = messenger.getTransport(name);
  if (!isListableReceiver(receiver)) {
    throw new MessengerError(
      "NOT_LISTABLE",
      `The "${name}" receiver does not support listing or showing specific messages.`,
    );
  }
  return { name, receiver };
}

/**
 * How many messages the failure transport holds, when it can count them: every stored one
 * (`StoredMessageCountAware`), delayed and claimed ones included, so the count matches the
 * listing below it (a message just retried and failed again waits delayed in the failure
 * transport, which `getMessageCount()`, counting what a worker could take now, leaves out).
 */
export async function pendingCount(transport: FailureTransport): Promise<number | undefined> {
  const { receiver } = transport;
  if (isStoredMessageCountAware(receiver)) return receiver.getStoredMessageCount();
  return isMessageCountAware(receiver) ? receiver.getMessageCount() : undefined;
}

/** Symfony's first line of every failed:* command: "There are N messages pending in the failure transport." */
export async function printPendingCount(transport: FailureTransport, output: ConsoleOutput): Promise<void> {
  const count = await pendingCount(transport);
  if (count === undefined) return;
  output.writeErr(
    count === 1
      ? "There is 1 message pending in the failure transport.\n"
      : `There are ${count} messages pending in the failure transport.\n`,
  );
}
