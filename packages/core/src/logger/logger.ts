/**
 * The logging contract: the subset of pino's API the library uses, so a pino logger (or any
 * logger with the same call shape) can be passed as is. Context first, message second.
 */
export interface Logger {
  debug(context: Record<string, unknown>, message: string): void;
  info(context: Record<string, unknown>, message: string): void;
  warn(context: Record<string, unknown>, message: string): void;
  error(context: Record<string, unknown>, message: string): void;
}

const noop = () => {};

/** Discards everything; the default when the application gives no logger. */
export const nullLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
