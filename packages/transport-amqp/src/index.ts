export { type AmqpDsn, parseAmqpDsn } from "./amqp-dsn.js";
export { type AmqpErrorCode, AmqpErrorCodes } from "./amqp-error-codes.js";
export {
  AMQP_FLAGS,
  AMQP_OPTION_KEYS,
  type ResolvedAmqpOptions,
  resolveAmqpOptions,
} from "./amqp-options.js";
export { AmqpReceivedStamp } from "./amqp-received-stamp.js";
export { AMQP_MANDATORY, type AmqpAttributes, AmqpStamp } from "./amqp-stamp.js";
export { AmqpTransport, type AmqpTransportOptions, DEFAULT_PREFETCH } from "./amqp-transport.js";
export { AmqpTransportFactory } from "./amqp-transport-factory.js";
