/**
 * The error codes the MySQL transport throws besides core's (`ErrorCodes` of `@messenger-ts/core`,
 * which also holds the codes several transports share). `docs/errors.md` says what each means.
 */
export const MysqlErrorCodes = {
  FOREIGN_TABLE: "FOREIGN_TABLE",
  MIXED_TRANSACTIONS: "MIXED_TRANSACTIONS",
  UNSUPPORTED_SERVER_VERSION: "UNSUPPORTED_SERVER_VERSION",
} as const;

/** A code of {@link MysqlErrorCodes}. */
export type MysqlErrorCode = (typeof MysqlErrorCodes)[keyof typeof MysqlErrorCodes];
