/** Creates what the transport needs (tables, streams, groups). Must be idempotent and safe to run concurrently. */
export interface SetupableTransport {
  setup(): Promise<void>;
}

export function isSetupableTransport(value: unknown): value is SetupableTransport {
  return typeof (value as Partial<SetupableTransport> | null)?.setup === "function";
}
