/**
 * The error codes the in-memory transport throws besides core's (`ErrorCodes` of `@messenger-ts/core`, which also
 * holds the codes several transports share). `docs/errors.md` says what each means.
 */
export const InMemoryErrorCodes = {
  MISSING_SERIALIZER: "MISSING_SERIALIZER",
  NOT_SERIALIZING: "NOT_SERIALIZING",
  UNKNOWN_TRANSPORT_MESSAGE_ID: "UNKNOWN_TRANSPORT_MESSAGE_ID",
} as const;

/** A code of {@link InMemoryErrorCodes}. */
export type InMemoryErrorCode = (typeof InMemoryErrorCodes)[keyof typeof InMemoryErrorCodes];
