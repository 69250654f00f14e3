import { MessengerError } from "@messenger-ts/core";

/**
 * SQLSTATE classes of a lost or refused connection (08), a server shutting down or starting
 * (57P01-57P03) and too many connections (53300); a failure without a SQLSTATE comes from the
 * socket (ECONNREFUSED, ECONNRESET, "Connection terminated unexpectedly", a connect timeout).
 */
const RETRIED_SQLSTATES = /^(08...|57P0[123]|53300)$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** Whether `error` (the connection's TransportError, or the driver's error) is a lost connection. */
export function isConnectionFailure(error: unknown): boolean {
  // The connection wraps every driver failure in a plain TransportError, the driver's as `cause`;
  // its own errors (a refused login, a foreign table) have codes of their own and are final.
  const driverError =
    error instanceof MessengerError ? (error.code === "TRANSPORT_ERROR" ? error.cause : undefined) : error;
  if (!(driverError instanceof Error) || driverError instanceof MessengerError) return false;
  const code = (driverError as { code?: unknown }).code;
  return typeof code === "string" && SQLSTATE.test(code) ? RETRIED_SQLSTATES.test(code) : true;
}
