import { InvalidArgumentError } from "../../errors/invalid-argument-error.js";

/** A bad option value as messages show it: strings quoted, so `"1"` and `1` read differently. */
export function shown(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

/**
 * The error every option parser throws: it names the value, the option, the transport and what
 * is allowed. `label` names the transport, e.g. `transport "async"`.
 */
export function invalid(
  option: string,
  value: unknown,
  label: string,
  expected: string,
): InvalidArgumentError {
  return new InvalidArgumentError(
    `Invalid value ${shown(value)} for option "${option}" of ${label}: expected ${expected}.`,
    { code: "INVALID_TRANSPORT_OPTION" },
  );
}
