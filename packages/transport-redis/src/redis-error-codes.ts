/**
 * The error codes the Redis transport throws besides core's (`ErrorCodes` of `@messenger-ts/core`, which also
 * holds the codes several transports share). `docs/errors.md` says what each means.
 */
export const RedisErrorCodes = {
  NOT_CLAIMED: "NOT_CLAIMED",
  REDIS_GROUP_MISSING: "REDIS_GROUP_MISSING",
  REDIS_LIST_CURSOR_GONE: "REDIS_LIST_CURSOR_GONE",
  REDIS_SHARED_STREAM: "REDIS_SHARED_STREAM",
} as const;

/** A code of {@link RedisErrorCodes}. */
export type RedisErrorCode = (typeof RedisErrorCodes)[keyof typeof RedisErrorCodes];
