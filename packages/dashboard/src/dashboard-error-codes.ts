/**
 * The error codes the dashboard throws besides core's and the console's (`ErrorCodes` of
 * `@messenger-ts/core`, `CliErrorCodes` of `@messenger-ts/cli`). `docs/errors.md` says what each means.
 */
export const DashboardErrorCodes = {
  DASHBOARD_NOT_SECURED: "DASHBOARD_NOT_SECURED",
  INVALID_DASHBOARD_OPTION: "INVALID_DASHBOARD_OPTION",
} as const;

/** A code of {@link DashboardErrorCodes}. */
export type DashboardErrorCode = (typeof DashboardErrorCodes)[keyof typeof DashboardErrorCodes];
