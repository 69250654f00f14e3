/**
 * Counts every message a queue stores, whatever its state: due, delayed (available later) and
 * claimed by a worker; the messages `all()` lists. `getMessageCount()` counts only what a worker
 * could receive now, so a failure transport holding a retried message (delayed) would say 0 above
 * a listing that shows it. Counted by the backend, without loading a message.
 */
export interface StoredMessageCountAware {
  getStoredMessageCount(): Promise<number>;
}

export function isStoredMessageCountAware(value: unknown): value is StoredMessageCountAware {
  return typeof (value as Partial<StoredMessageCountAware> | null)?.getStoredMessageCount === "function";
}
