import { InvalidArgumentError } from "@messenger-ts/core";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A table or schema name, checked (it is written into SQL) and double-quoted. */
export function quoteIdentifier(name: string, what: string): string {
  if (typeof name !== "string" || !IDENTIFIER.test(name)) {
    throw new InvalidArgumentError(
      `Invalid ${what} ${JSON.stringify(name)}: use a letter or _ followed by letters, digits or _ (at most 63 characters).`,
      { code: "INVALID_IDENTIFIER" },
    );
  }
  return `"${name}"`;
}
