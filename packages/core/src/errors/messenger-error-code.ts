import type { ErrorCode } from "./error-codes.js";

/**
 * The type of {@link MessengerError.code}: any string, with core's catalogued codes offered first.
 *
 * It is open on purpose. Core cannot list the codes of packages built on it (each transport, the
 * scheduler and the CLI catalogue their own, e.g. `PostgresErrorCodes`) nor an application's, yet
 * all of them throw `MessengerError`s. `string & Record<never, never>` is still any string, but an
 * editor no longer folds the union into plain `string`, so core's codes autocomplete. To narrow
 * to one package's codes, compare with its catalogue: `error.code === SqliteErrorCodes.INCOMPATIBLE_TABLE`.
 */
export type MessengerErrorCode = ErrorCode | (string & Record<never, never>);
