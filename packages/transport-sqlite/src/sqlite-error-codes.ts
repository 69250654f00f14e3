/**
 * The error codes the SQLite transport throws besides core's (`ErrorCodes` of `@messenger-ts/core`, which also
 * holds the codes several transports share). `docs/errors.md` says what each means.
 */
export const SqliteErrorCodes = {
  CONCURRENT_NESTED_DISPATCH: "CONCURRENT_NESTED_DISPATCH",
  INCOMPATIBLE_TABLE: "INCOMPATIBLE_TABLE",
  INVALID_MIDDLEWARE: "INVALID_MIDDLEWARE",
  INVALID_STAMP: "INVALID_STAMP",
  SQLITE_DATABASE_NOT_FOUND: "SQLITE_DATABASE_NOT_FOUND",
  SQLITE_DRIVER_UNAVAILABLE: "SQLITE_DRIVER_UNAVAILABLE",
  TRANSACTION_ALREADY_OPEN: "TRANSACTION_ALREADY_OPEN",
  TRANSACTION_LOST: "TRANSACTION_LOST",
} as const;

/** A code of {@link SqliteErrorCodes}. */
export type SqliteErrorCode = (typeof SqliteErrorCodes)[keyof typeof SqliteErrorCodes];
