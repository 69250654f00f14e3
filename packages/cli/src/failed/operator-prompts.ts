import { confirm, select } from "@inquirer/prompts";

/** What an operator may do with one failed message (Symfony's choices, retry first). */
export type FailedMessageAction = "retry" | "delete" | "skip";

/**
 * The questions of the failed:* commands. Prompts draw on stderr, with the status lines, so
 * stdout carries only data. CONTROL-C or a stop signal during a question answers `undefined`
 * (stop here), never an exception.
 */
export async function askAction(
  signal: AbortSignal,
  options: { readonly canRetry?: boolean } = {},
): Promise<FailedMessageAction | undefined> {
  const choices = [
    { value: "retry", name: "retry", description: "handle the message again now" },
    { value: "delete", name: "delete", description: "remove it from the failure transport for good" },
    { value: "skip", name: "skip", description: "leave it in the failure transport" },
  ] as const;
  return cancellable(() =>
    select<FailedMessageAction>(
      {
        message: "Please select an action",
        choices: options.canRetry === false ? choices.filter((c) => c.value !== "retry") : [...choices],
        default: options.canRetry === false ? "skip" : "retry",
      },
      { output: process.stderr, signal },
    ),
  );
}

/** Which failure transport to work on (bare `--transport`); `undefined` when it was interrupted. */
export async function askFailureTransport(
  names: readonly string[],
  defaultName: string | undefined,
  signal: AbortSignal,
): Promise<string | undefined> {
  return cancellable(() =>
    select<string>(
      {
        message: "Select failed transport",
        choices: names.map((name) => ({ value: name, name })),
        ...(defaultName === undefined ? {} : { default: defaultName }),
      },
      { output: process.stderr, signal },
    ),
  );
}

/** A yes/no question; `undefined` when it was interrupted. */
export async function askConfirmation(
  message: string,
  defaultAnswer: boolean,
  signal: AbortSignal,
): Promise<boolean | undefined> {
  return cancellable(() => confirm({ message, default: defaultAnswer }, { output: process.stderr, signal }));
}

async function cancellable<T>(ask: () => Promise<T>): Promise<T | undefined> {
  try {
    return await ask();
  } catch (error) {
    const name = (error as { name?: unknown })?.name;
    if (name === "ExitPromptError" || name === "AbortPromptError") return undefined;
    throw error;
  }
}
