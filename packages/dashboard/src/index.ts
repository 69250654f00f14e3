export { createDashboard, type DashboardHandler } from "./create-dashboard.js";
export { dashboardCommand } from "./dashboard-command.js";
export { type DashboardErrorCode, DashboardErrorCodes } from "./dashboard-error-codes.js";
export type { DashboardOptions } from "./dashboard-options.js";
