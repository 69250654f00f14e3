/**
 * The error codes the PostgreSQL transport throws besides core's (`ErrorCodes` of `@messenger-ts/core`, which also
 * holds the codes several transports share). `docs/errors.md` says what each means.
 */
export const PostgresErrorCodes = {
  FOREIGN_TABLE: "FOREIGN_TABLE",
  MIXED_TRANSACTIONS: "MIXED_TRANSACTIONS",
} as const;

/** A code of {@link PostgresErrorCodes}. */
export type PostgresErrorCode = (typeof PostgresErrorCodes)[keyof typeof PostgresErrorCodes];
