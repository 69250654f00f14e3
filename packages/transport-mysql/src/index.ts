export { currentMysqlConnection } from "./current-mysql-connection.js";
export { type MysqlErrorCode, MysqlErrorCodes } from "./mysql-error-codes.js";
export {
  CLAIM_BUDGET_MS,
  DEFAULT_POLL_INTERVAL_MS,
  MAX_CLAIM_BATCH,
  MYSQL_OPTION_DEFAULTS,
} from "./mysql-options.js";
export { MysqlReceivedStamp } from "./mysql-received-stamp.js";
export { type MysqlPoolSource, MysqlTransactionMiddleware } from "./mysql-transaction-middleware.js";
export { MysqlTransactionStamp } from "./mysql-transaction-stamp.js";
export { MysqlTransport, type MysqlTransportOptions } from "./mysql-transport.js";
export { MysqlTransportFactory, type MysqlTransportFactoryOptions } from "./mysql-transport-factory.js";
export { SCHEMA_VERSION } from "./schema.js";
export { MINIMUM_VERSIONS } from "./server-version.js";
