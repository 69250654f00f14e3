export type { NodeSqliteDatabase } from "./node-sqlite-driver.js";
export type { SqliteDatabase, SqliteDriverChoice } from "./open-sqlite-database.js";
export type { SqliteDriverName } from "./sqlite-driver.js";
export { type SqliteErrorCode, SqliteErrorCodes } from "./sqlite-error-codes.js";
export { SQLITE_OPTION_DEFAULTS, type SqliteTransportOptions } from "./sqlite-options.js";
export { SqliteReceivedStamp } from "./sqlite-received-stamp.js";
export {
  SqliteTransactionMiddleware,
  type SqliteTransactionSource,
} from "./sqlite-transaction-middleware.js";
export { SqliteTransactionStamp } from "./sqlite-transaction-stamp.js";
export { SqliteTransport } from "./sqlite-transport.js";
export {
  parseSqliteDsn,
  type SqliteDsn,
  SqliteTransportFactory,
  type SqliteTransportFactoryOptions,
} from "./sqlite-transport-factory.js";
