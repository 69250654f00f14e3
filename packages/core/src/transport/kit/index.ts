/**
 * The transport author's kit (`@messenger-ts/core/transport`): what every transport package
 * shares, so that options, DSNs, redaction and batching behave the same on all of them.
 */
export { decodeOrUndecodable, UndecodableMessage } from "../../serialization/undecodable-message.js";
export { type Dsn, parseDsn } from "../dsn.js";
export { resolveTransportOptions } from "../transport-options.js";
export { ClaimSizer, type ClaimSizerOptions } from "./claim-sizer.js";
export { deduplicationOf, dueAfter, markDeduplicated, priorityOf } from "./deduplication.js";
export {
  DEFAULT_DELIVERY_LIMIT,
  MAX_DELIVERY_LIMIT,
  markDeliveryLimit,
  parseDeliveryLimitOption,
} from "./delivery-limit.js";
export {
  claimsDoctrineDsn,
  type DoctrineConnectionKind,
  doctrineConnectionName,
  type ResolvedDoctrineDsn,
  resolveDoctrineDsn,
} from "./doctrine-dsn.js";
export { dsnScheme } from "./dsn-scheme.js";
export { invalid, shown } from "./invalid-option.js";
export { parseBooleanOption } from "./parse-boolean-option.js";
export { parseMillisecondsOption } from "./parse-milliseconds-option.js";
export { MAX_QUEUE_NAME_LENGTH, parseQueueNameOption } from "./parse-queue-name-option.js";
export {
  MAX_OPTION_SECONDS,
  parseSecondsOption,
  parseSecondsOptionAsMs,
  toOptionNumber,
} from "./parse-seconds-option.js";
export { parseSqlIdentifierOption } from "./parse-sql-identifier-option.js";
export { parseWholeNumberOption } from "./parse-whole-number-option.js";
export { PerTickBatcher, type PerTickBatcherOptions } from "./per-tick-batcher.js";
export { redactDsn } from "./redact-dsn.js";
export {
  type PendingRemoval,
  type RetryUntilClaimsExpireOptions,
  retryUntilClaimsExpire,
} from "./retry-until-claims-expire.js";
export {
  DEFAULT_QUEUE_NAME,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  DEFAULT_TABLE_NAME,
} from "./transport-defaults.js";
