export { createDashboard, type DashboardHandler } from "./create-dashboard.js";
export { dashboardCommand } from "./dashboard-command.js";
export { type DashboardErrorCode, DashboardErrorCodes } from "./dashboard-error-codes.js";
export type { DashboardOptions } from "./dashboard-options.js";
export {
  MessageHistoryRecorder,
  type MessageHistoryRecorderOptions,
} from "./history/message-history-recorder.js";
export type {
  MessageHistoryEntry,
  MessageHistoryFilter,
  MessageHistoryRetention,
  MessageHistoryStore,
  MessageResult,
  MessageTypeStatistics,
  StoredMessageHistoryEntry,
} from "./history/message-history-store.js";
export {
  PostgresMessageHistory,
  type PostgresMessageHistoryOptions,
  type PostgresQueryable,
} from "./history/postgres-message-history.js";
export {
  type SqliteHandle,
  SqliteMessageHistory,
  type SqliteMessageHistoryOptions,
} from "./history/sqlite-message-history.js";
