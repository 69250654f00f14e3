export type { MessageCounts } from "./redis-connection.js";
export { type RedisErrorCode, RedisErrorCodes } from "./redis-error-codes.js";
export { MAX_FETCH_BATCH, REDIS_OPTION_DEFAULTS } from "./redis-options.js";
export { RedisRateLimiter } from "./redis-rate-limiter.js";
export { RedisReceivedStamp } from "./redis-received-stamp.js";
export { RedisTransport, type RedisTransportOptions } from "./redis-transport.js";
export {
  parseRedisDsn,
  type RedisDsn,
  RedisTransportFactory,
} from "./redis-transport-factory.js";
