import { TransportError } from "../../errors/transport-error.js";
import type { Logger } from "../../logger/logger.js";

/** An ack or reject waiting for its DELETE, with the moment its claim may expire. */
export interface PendingRemoval {
  readonly id: string;
  /** Local clock (ms) after which another worker may claim the row: its claim time + the timeout. */
  readonly deadline: number;
}

export interface RetryUntilClaimsExpireOptions {
  /** `transport "async"`, for the log. */
  readonly label: string;
  /**
   * Whether a failure is a lost or refused connection, worth another try; every other failure (a
   * missing table, a refused login) is final. Each transport knows its driver's errors.
   */
  readonly isConnectionFailure: (error: unknown) => boolean;
  readonly logger: Logger;
  /** @defaultValue Date.now */
  readonly now?: () => number;
  /** @defaultValue setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const FIRST_DELAY_MS = 50;
const MAX_DELAY_MS = 2_000;

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the DELETE of acknowledged rows until it succeeds, retrying a failure of the connection
 * (a killed connection, a server restart, a network cut) with backoff. A DELETE by id can be
 * repeated: a first try that reached the database before its connection broke leaves nothing for
 * the next. It stops for a row once its claim may have expired: another worker may then hold it,
 * and a late DELETE would take it from under that worker's handler. Those rows are delivered
 * again; the warning says how many, and the call rejects with the last failure, so the worker
 * logs the acknowledgements as failed (every one of the statement, as they share one outcome).
 * Other failures (a missing table, a refused login) are not retried. Shared by the SQL transports,
 * whose acks are a DELETE by id under a claim that expires.
 */
export async function retryUntilClaimsExpire(
  remove: (ids: string[]) => Promise<void>,
  removals: readonly PendingRemoval[],
  options: RetryUntilClaimsExpireOptions,
): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? sleepFor;
  let pending = removals;
  let expired = 0;
  let lastFailure: unknown;
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      await remove(pending.map((removal) => removal.id));
      if (expired === 0) return;
    } catch (error) {
      if (!options.isConnectionFailure(error)) throw error;
      failure = error;
      lastFailure = error;
    }
    if (failure === undefined) {
      // The rest went through, but some claims expired first: their acks did not happen. The
      // connection failure that delayed them is the cause, as for any other TransportError.
      const failed = new TransportError(
        `${options.label}: ${expired} acknowledgement(s) not made, their claims expired while the database was unreachable`,
        { cause: lastFailure },
      );
      throw giveUp(options, expired, failed);
    }
    const retryAt = now() + delay;
    const live = pending.filter((removal) => removal.deadline > retryAt);
    expired += pending.length - live.length;
    if (live.length === 0) throw giveUp(options, expired, failure);
    options.logger.debug(
      { transport: options.label, count: live.length, attempt, error: messageOf(failure) },
      "Acknowledging messages failed; retrying until their claims expire",
    );
    pending = live;
    await sleep(delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

function giveUp(options: RetryUntilClaimsExpireOptions, count: number, failure: unknown): unknown {
  options.logger.warn(
    { transport: options.label, count, error: messageOf(failure) },
    `Could not acknowledge ${count} message(s) before their claims expired; they will be delivered again`,
  );
  return failure;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
