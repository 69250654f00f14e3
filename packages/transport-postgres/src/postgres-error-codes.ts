/**
 * The error codes the PostgreSQL transport throws besides core's: none of its own today. The codes
 * it shares with the MySQL transport (`FOREIGN_TABLE`, `MIXED_TRANSACTIONS`) are core's
 * (`ErrorCodes` of `@messenger-ts/core`). `docs/errors.md` says what each means.
 */
export const PostgresErrorCodes = {} as const;

/** A code of {@link PostgresErrorCodes}. */
export type PostgresErrorCode = (typeof PostgresErrorCodes)[keyof typeof PostgresErrorCodes];
