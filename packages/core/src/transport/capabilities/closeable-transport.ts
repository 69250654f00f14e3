/** Holds connections or timers that must be released when the application stops. */
export interface CloseableTransport {
  close(): Promise<void>;
}

export function isCloseableTransport(value: unknown): value is CloseableTransport {
  return typeof (value as Partial<CloseableTransport> | null)?.close === "function";
}
