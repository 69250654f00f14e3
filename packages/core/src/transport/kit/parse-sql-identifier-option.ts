import { invalid } from "./invalid-option.js";

/** Quoted in SQL, but kept to what needs no quoting, so names stay greppable and portable. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A table or schema name, checked before it is ever spliced into SQL: letters, digits and
 * underscores, not starting with a digit, at most `maxLength` characters. `reservedPrefix` refuses
 * names the database keeps for itself (SQLite's `sqlite_`), compared case-insensitively.
 */
export function parseSqlIdentifierOption(
  value: unknown,
  option: string,
  label: string,
  maxLength: number,
  reservedPrefix?: string,
): string {
  if (
    typeof value !== "string" ||
    !IDENTIFIER.test(value) ||
    value.length > maxLength ||
    (reservedPrefix !== undefined && value.toLowerCase().startsWith(reservedPrefix.toLowerCase()))
  ) {
    const notStarting = reservedPrefix === undefined ? "a digit" : `a digit or ${reservedPrefix}`;
    throw invalid(
      option,
      value,
      label,
      `an identifier of letters, digits and underscores, not starting with ${notStarting}, at most ${maxLength} characters`,
    );
  }
  return value;
}
