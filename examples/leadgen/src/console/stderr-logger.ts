import type { Logger } from "@messenger-ts/core";

/**
 * The application's log records on stderr, for `-vvv`: what the handlers and the worker log
 * besides the per-message lines `messenger:consume -vv` prints already.
 */
export function stderrLogger(write: (text: string) => void = (text) => process.stderr.write(text)): Logger {
  const line = (level: string) => (context: Record<string, unknown>, message: string) => {
    const details = Object.keys(context).length > 0 ? ` ${JSON.stringify(context, replacer)}` : "";
    write(`[${level}] ${message}${details}\n`);
  };
  return { debug: line("debug"), info: line("info"), warn: line("warning"), error: line("error") };
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return typeof value === "bigint" ? value.toString() : value;
}
