import { MessengerError } from "@messenger-ts/core";

/**
 * Server errors worth another try: a lock wait timeout (1205) or deadlock (1213) of some other
 * statement's making, a killed connection (1927, MariaDB) or query (1317), a server shutting down
 * (1053), too many connections (1040).
 */
const RETRIED_ERRNOS = new Set([1040, 1053, 1205, 1213, 1317, 1927]);

/** Whether `error` (the connection's TransportError, or the driver's error) is a lost connection. */
export function isConnectionFailure(error: unknown): boolean {
  // The connection wraps every driver failure in a plain TransportError, the driver's as `cause`;
  // its own errors (a refused login, a foreign table) have codes of their own and are final.
  const driverError =
    error instanceof MessengerError ? (error.code === "TRANSPORT_ERROR" ? error.cause : undefined) : error;
  if (!(driverError instanceof Error) || driverError instanceof MessengerError) return false;
  const { fatal, errno } = driverError as { fatal?: unknown; errno?: unknown };
  // mysql2 marks what broke the connection (a reset socket, a refused or timed-out connect, a
  // lost protocol) as fatal; a server error leaves the connection usable and carries its errno.
  return fatal === true || (typeof errno === "number" && RETRIED_ERRNOS.has(errno));
}
