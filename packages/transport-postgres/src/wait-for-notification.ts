import type { PostgresConnection } from "./postgres-connection.js";
import type { ListenMark } from "./postgres-listener.js";

/**
 * What the worker's last claim of the watched queues told: it took no rows, and
 * measured then when the next row becomes due. Taken with the LISTEN already in place before that
 * claim was sent (`mark`), it stands in for the due-time lookup, unless a notification for those
 * queues arrived since (then a row may be waiting) or the LISTEN connection broke.
 */
export interface ClaimReport {
  readonly mark: ListenMark;
  /** As `msUntilDue` returns it: null when the queues held no rows. */
  readonly waitMs: number | null;
  /** performance.now() when the claim's answer arrived. */
  readonly at: number;
}

export interface WaitForNotificationOptions {
  readonly connection: PostgresConnection;
  /** Wake for these queues only (the trigger's payload is the row's queue name). */
  readonly queues: readonly string[];
  /** LISTEN on the table's channel; without it only due times and `maxWaitMs` wake the waiter. */
  readonly listen: boolean;
  readonly maxWaitMs: number;
  readonly signal: AbortSignal;
  /**
   * Least wait when a row is already due. 0 normally: a message sent between the last claim and
   * the LISTEN shows up as due, and is fetched at once. The transport raises it when "due" rows
   * keep turning out unclaimable (locked by someone else), so that cannot become a busy loop.
   */
  readonly dueFloorMs: number;
  /** The last claim's report on these queues, if it made one (see ClaimReport). */
  readonly lastClaim?: ClaimReport | undefined;
}

/** After a backend problem the worker looks again this soon (its get() reports the problem). */
const RETRY_AFTER_PROBLEM_MS = 1_000;
/** Wake a hair after the due time, so the claim's now() is past available_at. */
const DUE_SLACK_MS = 2;

/**
 * One idle wait of a worker on one transport. Resolves when a notification names a watched queue,
 * when the earliest delayed message or abandoned claim of those queues becomes due, after
 * `maxWaitMs`, on abort, or when the LISTEN connection breaks (notifications may have been
 * missed). Never rejects. Resolves `true` when it woke because a row was already due. The due
 * time is the last claim's (`lastClaim`) when that can stand in for a lookup, else asked after LISTEN.
 */
export function waitForNotification(options: WaitForNotificationOptions): Promise<boolean> {
  const { connection, queues, listen, maxWaitMs, signal, dueFloorMs } = options;
  if (signal.aborted || !(maxWaitMs > 0)) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    let done = false;
    let unsubscribe: (() => void) | undefined;
    let dueTimer: NodeJS.Timeout | undefined;
    const finish = (dueNow = false) => {
      if (done) return;
      done = true;
      clearTimeout(maxTimer);
      clearTimeout(dueTimer);
      signal.removeEventListener("abort", onAbort);
      unsubscribe?.();
      resolve(dueNow);
    };
    const onAbort = () => finish();
    // setTimeout fires at once for anything above 2^31 - 1 ms.
    const maxTimer = setTimeout(finish, Math.min(maxWaitMs, 2_147_483_647));
    maxTimer.unref();
    signal.addEventListener("abort", onAbort, { once: true });
    const wakeAfter = (ms: number, dueNow: boolean) => {
      if (ms >= maxWaitMs) return;
      dueTimer = setTimeout(() => finish(dueNow), ms);
      dueTimer.unref();
    };
    /** `wait`: ms until the next row is due, as msUntilDue returns it (null: no rows at all). */
    const wakeWhenDue = (wait: number | null) => {
      if (wait === null) return;
      if (wait <= 0) wakeAfter(dueFloorMs, true);
      else wakeAfter(wait + DUE_SLACK_MS, false);
    };
    if (listen) {
      unsubscribe = connection.listener.subscribe(connection.channel, {
        notify: (queue) => {
          if (queues.includes(queue)) finish();
        },
        lost: () => finish(),
      });
    }
    const { lastClaim } = options;
    if (listen && lastClaim) {
      // Notifications that arrived before this wait subscribed count too: the listener recorded them.
      if (connection.listener.missedSince(lastClaim.mark, queues)) {
        finish();
        return;
      }
      wakeWhenDue(lastClaim.waitMs === null ? null : lastClaim.waitMs - (performance.now() - lastClaim.at));
      return;
    }
    void (async () => {
      try {
        if (listen) await connection.listener.listen(connection.channel);
        if (done) return;
        // Asked only once LISTEN is in place, so nothing sent in between goes unnoticed.
        const wait = await connection.msUntilDue(queues);
        if (!done) wakeWhenDue(wait);
      } catch {
        // The database is unreachable: poll again soon rather than sleep the whole wait, since
        // notifications sent meanwhile are lost; the worker's get() logs the actual error.
        if (!done) wakeAfter(Math.min(maxWaitMs - 1, RETRY_AFTER_PROBLEM_MS), false);
      }
    })();
  });
}
