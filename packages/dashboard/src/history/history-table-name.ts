import { MessengerError } from "@messenger-ts/core";

/** A table name the stores put into SQL: letters, digits and underscores, as the transports allow. */
export function checkHistoryTableName(name: string, option: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new MessengerError(
      "INVALID_DASHBOARD_OPTION",
      `The message history's ${option} "${name}" is not allowed: use letters, digits and underscores, starting with a letter or underscore, at most 63 characters.`,
    );
  }
  return name;
}
