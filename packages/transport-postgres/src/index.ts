export { currentPostgresClient } from "./current-postgres-client.js";
export { type PostgresErrorCode, PostgresErrorCodes } from "./postgres-error-codes.js";
export {
  CLAIM_BUDGET_MS,
  MAX_CLAIM_BATCH,
  POSTGRES_OPTION_DEFAULTS,
  SSL_MODES,
  type SslMode,
} from "./postgres-options.js";
export { PostgresReceivedStamp } from "./postgres-received-stamp.js";
export { type PostgresPoolSource, PostgresTransactionMiddleware } from "./postgres-transaction-middleware.js";
export { PostgresTransactionStamp } from "./postgres-transaction-stamp.js";
export { PostgresTransport, type PostgresTransportOptions } from "./postgres-transport.js";
export {
  PostgresTransportFactory,
  type PostgresTransportFactoryOptions,
} from "./postgres-transport-factory.js";
export { SCHEMA_VERSION } from "./schema.js";
