/**
 * A transport that can tell what in its backend's configuration puts stored messages at risk, such
 * as a Redis server without persistence, which loses the whole queue when it restarts. Nothing
 * fails because of it: `messenger:setup-transports` prints each warning, and a transport may log
 * them itself when a worker starts consuming it.
 */
export interface WarningTransport {
  /**
   * One sentence per risk found, none when all is well or when the backend does not let it look
   * (a managed server that forbids the command). Never rejects: a failure to look is no warning.
   */
  warnings(): Promise<readonly string[]>;
}

export function isWarningTransport(value: unknown): value is WarningTransport {
  return typeof (value as Partial<WarningTransport> | null)?.warnings === "function";
}
