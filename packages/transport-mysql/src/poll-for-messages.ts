import type { MysqlConnection } from "./mysql-connection.js";

export interface PollForMessagesOptions {
  readonly connection: MysqlConnection;
  /** Wake for these queues only. */
  readonly queues: readonly string[];
  /** Milliseconds between two looks (the `poll_interval` option). */
  readonly intervalMs: number;
  readonly maxWaitMs: number;
  readonly signal: AbortSignal;
  /**
   * Least wait when a row is already due. 0 normally: a message sent between the last claim and
   * the look shows up as due, and is fetched at once. The transport raises it when "due" rows
   * keep turning out unclaimable (locked by someone else), so that cannot become a busy loop.
   */
  readonly dueFloorMs: number;
}

/** Wake a hair after the due time, so the claim's UTC_TIMESTAMP(6) is past available_at. */
const DUE_SLACK_MS = 2;

/**
 * One idle wait of a worker on one transport, without server notifications (MySQL has none).
 * Resolves when a send of this process names a watched queue (at once), when a look at the
 * table finds a row due (every `intervalMs`: a message sent by another process), when the
 * earliest delayed message or abandoned claim of those queues becomes due, after `maxWaitMs`, or
 * on abort. Never rejects: a failed look is tried again at the next interval, and the worker's
 * get() reports the problem. Resolves `true` when it woke because a row was already due.
 */
export function pollForMessages(options: PollForMessagesOptions): Promise<boolean> {
  const { connection, queues, intervalMs, maxWaitMs, signal, dueFloorMs } = options;
  if (signal.aborted || !(maxWaitMs > 0)) return Promise.resolve(false);
  const deadline = performance.now() + maxWaitMs;
  return new Promise<boolean>((resolve) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const wakers = connection.wakers;
    const finish = (dueNow = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      wakers.delete(onSend);
      resolve(dueNow);
    };
    const onAbort = () => finish();
    const onSend = (queue: string) => {
      if (queues.includes(queue)) finish();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    wakers.add(onSend);
    /** Waits `ms` (at most until the deadline), then `then`; ends the wait at the deadline. */
    const after = (ms: number, then: () => void) => {
      const left = deadline - performance.now();
      if (left <= 0) return finish();
      // setTimeout fires at once for anything above 2^31 - 1 ms.
      timer = setTimeout(ms >= left ? () => finish() : then, Math.min(ms, left, 2_147_483_647));
      timer.unref();
    };
    const look = async () => {
      if (done) return;
      let wait: number | null;
      try {
        wait = await connection.msUntilDue(queues);
      } catch {
        wait = null;
      }
      if (done) return;
      if (wait !== null && wait <= 0) {
        if (dueFloorMs === 0) finish(true);
        else after(dueFloorMs, () => finish(true));
      } else if (wait !== null && wait + DUE_SLACK_MS <= intervalMs) {
        after(wait + DUE_SLACK_MS, () => finish());
      } else {
        after(intervalMs, () => void look());
      }
    };
    void look();
  });
}
