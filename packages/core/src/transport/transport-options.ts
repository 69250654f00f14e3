import { InvalidArgumentError } from "../errors/invalid-argument-error.js";

/**
 * Merges a transport's options: the DSN query wins over the options object, which wins over the
 * defaults. Any key that is not in `defaults` is an error naming it and listing the allowed keys.
 */
export function resolveTransportOptions<T extends Record<string, unknown>>(
  transportLabel: string,
  defaults: T,
  dsnQuery: Readonly<Record<string, string>>,
  options: Readonly<Record<string, unknown>> = {},
): { [K in keyof T]: T[K] | string } {
  const allowed = Object.keys(defaults);
  for (const key of [...Object.keys(options), ...Object.keys(dsnQuery)]) {
    if (!Object.hasOwn(defaults, key)) {
      throw new InvalidArgumentError(
        `Unknown option "${key}" for ${transportLabel}; allowed: ${allowed.join(", ")}.`,
        { code: "UNKNOWN_TRANSPORT_OPTION" },
      );
    }
  }
  return { ...defaults, ...options, ...dsnQuery } as { [K in keyof T]: T[K] | string };
}
