/**
 * The error codes the MySQL transport throws besides core's (`ErrorCodes` of `@messenger-ts/core`,
 * which also holds the codes several transports share, such as `FOREIGN_TABLE` and
 * `MIXED_TRANSACTIONS`). `docs/errors.md` says what each means.
 */
export const MysqlErrorCodes = {
  UNSUPPORTED_SERVER_VERSION: "UNSUPPORTED_SERVER_VERSION",
} as const;

/** A code of {@link MysqlErrorCodes}. */
export type MysqlErrorCode = (typeof MysqlErrorCodes)[keyof typeof MysqlErrorCodes];
