import type { ConsoleOutput } from "@messenger-ts/cli";
import { LeadgenError } from "../domain/leadgen-error.js";

/**
 * Reports a service's own error from an inline run (no queue, so no retry) and returns exit code
 * 1; any other error is rethrown for the console to report. A temporary failure says how to get
 * the retries the queue would give.
 */
export function reportInlineFailure(output: ConsoleOutput, error: unknown, subject?: string): 1 {
  if (!(error instanceof LeadgenError)) throw error;
  const hint = error.retryable ? " (temporary: run it again, or use --async and let the queue retry it)" : "";
  output.error(`${subject ? `${subject}: ` : ""}${error.message} [${error.code}]${hint}`);
  return 1;
}

/** "1 lead", "3 leads". */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
