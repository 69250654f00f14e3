import type { Messenger } from "@messenger-ts/core";
import type { ConsoleOutput } from "../console/console-output.js";
import { UsageError } from "../console/usage-error.js";

export interface ReceiverChoice {
  /** Receiver names as given on the command line, in priority order. */
  readonly given: readonly string[];
  readonly all?: boolean;
  readonly exclude?: readonly string[];
  /** Whether the operator can be asked. */
  readonly interactive: boolean;
  readonly output: ConsoleOutput;
  readonly signal?: AbortSignal;
}

/**
 * Which receivers `messenger:consume` reads, in priority order, as Symfony decides: the names
 * given (unknown ones are a usage error listing the valid ones; `sync://` ones are dropped), or
 * every receiver with `--all` minus `--exclude-receivers`; with nothing given, the only receiver
 * if there is one, else a question when interactive, else a usage error. `undefined` when the
 * operator closed the question (Ctrl+C) or the run was stopped while it waited.
 */
export async function chooseReceivers(
  messenger: Messenger,
  choice: ReceiverChoice,
): Promise<string[] | undefined> {
  const valid = messenger.receiverNames;
  const exclude = choice.exclude ?? [];
  if (choice.all) {
    if (choice.given.length > 0) {
      throw new UsageError(`Pass receiver names or --all, not both (given: ${choice.given.join(", ")}).`, {
        code: "RECEIVERS_AND_ALL",
      });
    }
    for (const name of exclude) {
      if (!valid.includes(name)) {
        throw new UsageError(
          `Invalid receiver "${name}" in --exclude-receivers; valid receivers are: ${valid.join(", ") || "none"}.`,
          { code: "UNKNOWN_RECEIVER" },
        );
      }
    }
    const left = valid.filter((name) => !exclude.includes(name));
    if (left.length === 0) {
      throw new UsageError(`--exclude-receivers leaves no receiver to consume (${exclude.join(", ")}).`, {
        code: "NO_RECEIVERS",
      });
    }
    return left;
  }
  if (exclude.length > 0) {
    throw new UsageError("The --exclude-receivers option can be used only with the --all option.", {
      code: "EXCLUDE_WITHOUT_ALL",
    });
  }

  if (choice.given.length > 0) {
    for (const name of choice.given) {
      if (!messenger.transportNames.includes(name)) {
        throw new UsageError(
          `The receiver "${name}" does not exist. Valid receivers are: ${valid.join(", ") || "none"}.`,
          { code: "UNKNOWN_RECEIVER" },
        );
      }
    }
    // Symfony drops sync transports silently: there is never anything to consume in them.
    const receivers = [...new Set(choice.given)].filter((name) => valid.includes(name));
    if (receivers.length === 0) {
      throw new UsageError(
        `There is nothing to consume in ${choice.given.join(", ")} (sync://); valid receivers are: ${valid.join(", ") || "none"}.`,
        { code: "NO_RECEIVERS" },
      );
    }
    return receivers;
  }

  if (valid.length === 1) return [...valid];
  if (valid.length > 0 && choice.interactive) return ask(valid, choice);
  throw new UsageError(
    `Please pass at least one receiver. Valid receivers are: ${valid.join(", ") || "none"} (or pass --all).`,
    { code: "NO_RECEIVERS" },
  );
}

async function ask(
  valid: readonly string[],
  { output, signal }: ReceiverChoice,
): Promise<string[] | undefined> {
  output.note("Which transports/receivers do you want to consume?");
  output.comment(
    `Choose which receivers you want to consume messages from in order of priority. Hint: to consume from several, list their names, e.g. ${valid.join(" ")}.`,
  );
  // Loaded only here: the prompt library is not needed by any run that does not ask.
  const { checkbox } = await import("@inquirer/prompts");
  try {
    return await checkbox(
      {
        message: "Select receivers to consume:",
        choices: valid.map((name) => ({ value: name, name })),
        required: true,
      },
      { output: process.stderr, signal },
    );
  } catch (error) {
    // The library's own words ("User force closed the prompt with 0 null") are not for operators.
    const name = (error as { name?: unknown })?.name;
    if (name === "ExitPromptError" || name === "AbortPromptError") return undefined;
    throw error;
  }
}
