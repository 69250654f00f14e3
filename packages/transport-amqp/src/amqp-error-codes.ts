/**
 * The error codes the AMQP transport throws besides core's (`ErrorCodes` of `@messenger-ts/core`).
 * `docs/errors.md` says what each means.
 */
export const AmqpErrorCodes = {
  AMQP_PUBLISH_NOT_CONFIRMED: "AMQP_PUBLISH_NOT_CONFIRMED",
  AMQP_UNROUTABLE: "AMQP_UNROUTABLE",
} as const;

/** A code of {@link AmqpErrorCodes}. */
export type AmqpErrorCode = (typeof AmqpErrorCodes)[keyof typeof AmqpErrorCodes];
