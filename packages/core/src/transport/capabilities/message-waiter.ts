/**
 * A receiver that can tell an idle worker when messages arrive (PostgreSQL LISTEN/NOTIFY, a
 * blocking Redis read), instead of the worker polling on a fixed sleep.
 */
export interface MessageWaiter {
  /**
   * Resolves when a message may be available: one was sent, or a delayed one became due. Also
   * resolves after `maxWaitMs`, or at once when `signal` aborts. Never rejects. On a backend
   * problem it waits out `maxWaitMs` (resolving at once would make an idle worker spin); the next
   * `get()` reports the problem.
   */
  waitForMessages(maxWaitMs: number, signal: AbortSignal): Promise<void>;
}

export function isMessageWaiter(value: unknown): value is MessageWaiter {
  return typeof (value as Partial<MessageWaiter> | null)?.waitForMessages === "function";
}
