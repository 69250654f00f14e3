import type { Logger } from "@messenger-ts/core";
import { ClaimSizer, PerTickBatcher } from "@messenger-ts/core/transport";
import type { FetchResult, RedisConnection, StreamEntry } from "./redis-connection.js";
import { RedisMessageWaiter, type WaitCompanion } from "./redis-message-waiter.js";
import { FETCH_BATCH_BYTES, MAX_FETCH_BATCH } from "./redis-options.js";

export interface RedisConsumerSettings {
  readonly connection: RedisConnection;
  /** Milliseconds an entry may sit idle before another consumer takes it over. */
  readonly redeliveryTimeout: number;
  /** Milliseconds between sweeps for abandoned entries; 0 sweeps on every fetch. */
  readonly claimInterval: number;
  /** Re-read this consumer's own pending entries first (a fixed consumer name, after a restart). */
  readonly recoverAtStart: boolean;
  readonly logger: Logger;
  /** For log lines. */
  readonly transport: string;
}

/** Consumers holding nothing are removed from the group after this long without reading. */
const PRUNE_IDLE_MS = 3_600_000;
const PRUNE_EVERY_MS = 600_000;
/** Most ids per ack or keepalive script call (Lua's unpack has a limit of a few thousand). */
const MAX_IDS_PER_CALL = 1_000;

/** A fetch queued behind the idle wait's BZPOPMIN on the waiting connection. */
interface FetchBehindWait {
  /** The BZPOPMIN answered: the fetch has run in Redis, or never will. */
  answered: boolean;
  readonly startedAt: number;
  /** Its entries, once its reply arrived (already held); undefined while in flight or if it failed. */
  entries?: StreamEntry[];
  readonly settled: Promise<void>;
}

/**
 * This process's consumer in the group: what it fetched and still holds, how big its next fetch
 * is, when it sweeps for abandoned entries, its batched acks and keepalives, and its idle waits.
 * Works on entries; the transport turns them into envelopes.
 */
export class RedisConsumer {
  readonly #settings: RedisConsumerSettings;
  readonly #connection: RedisConnection;
  readonly #sizer: ClaimSizer;
  readonly #waiter: RedisMessageWaiter;
  /** Entries fetched and not acked or rejected yet (an ack in flight included). */
  readonly #held = new Set<string>();
  readonly #acks = new PerTickBatcher<readonly [string, boolean], number>((items) => this.#flushAcks(items), {
    overlap: true,
  });
  readonly #keepalives = new PerTickBatcher<string, number>((ids) => this.#flushKeepalives(ids), {
    overlap: true,
  });
  #claimCursor = "0-0";
  #nextClaimAt = 0;
  #nextPruneAt = 0;
  #recover: boolean;
  /** The next recovery is the first of a fixed-name consumer: what it finds was a dead process's. */
  #recoverAtStart: boolean;
  #fetching = 0;
  #behindWait: FetchBehindWait | undefined;

  constructor(settings: RedisConsumerSettings) {
    this.#settings = settings;
    this.#connection = settings.connection;
    this.#sizer = new ClaimSizer(settings.redeliveryTimeout, MAX_FETCH_BATCH, {
      maxBatchBytes: FETCH_BATCH_BYTES,
    });
    this.#waiter = new RedisMessageWaiter(settings.connection, this.#companion);
    this.#recover = settings.recoverAtStart;
    this.#recoverAtStart = settings.recoverAtStart;
    // A fetch whose reply was lost with the connection left entries no one handles.
    settings.connection.onReconnect(() => {
      this.#recover = true;
    });
  }

  /**
   * One script call: moves due delayed messages into the stream, takes over abandoned entries when
   * a sweep is due (continuing one in progress), and reads new entries, up to a batch sized to the
   * consumer's pace.
   */
  async fetch(): Promise<StreamEntry[]> {
    const behind = this.#behindWait;
    if (behind?.answered) {
      // The wake-up brought the messages along: no second round trip.
      this.#behindWait = undefined;
      await behind.settled;
      if (behind.entries !== undefined && behind.entries.length > 0) return behind.entries;
    }
    if (this.#recover && this.#fetching === 0) {
      const recovered = await this.#recoverOwnPending();
      if (recovered.length > 0) return recovered;
    }
    const startedAt = Date.now();
    const claim = this.#claimCursor !== "0-0" || startedAt >= this.#nextClaimAt;
    this.#fetching++;
    let result: Awaited<ReturnType<RedisConnection["fetch"]>>;
    try {
      result = await this.#connection.fetch(
        this.#sizer.next(),
        claim,
        this.#settings.redeliveryTimeout,
        this.#claimCursor,
      );
    } finally {
      this.#fetching--;
    }
    this.#waiter.observe(result, startedAt);
    if (claim) {
      this.#claimCursor = result.cursor;
      if (result.cursor === "0-0") this.#sweepDone();
    }
    this.#sizer.claimed(result.entries.length, messageLength(result.entries));
    for (const entry of result.entries) this.#held.add(entry.id);
    return result.entries as StreamEntry[];
  }

  readonly #companion: WaitCompanion = {
    queued: () => {
      const previous = this.#behindWait;
      // An earlier one is still in flight, or holds entries for the next get(): queue nothing more.
      if (previous && (previous.entries === undefined || previous.entries.length > 0)) return false;
      const behind: FetchBehindWait = {
        answered: false,
        startedAt: Date.now(),
        settled: this.#connection.fetchAfterWait(this.#sizer.next()).then(
          (result) => this.#arrivedBehindWait(behind, result),
          () => {
            if (this.#behindWait === behind) this.#behindWait = undefined;
            // Lost with the waiting connection: what it may have taken is read back on the next fetch.
            this.#recover = true;
          },
        ),
      };
      this.#behindWait = behind;
      return true;
    },
    answered: () => {
      if (this.#behindWait) this.#behindWait.answered = true;
    },
    abandoned: () => {
      // Its connection is dropped: the fetch never runs, or ran just before and is recovered.
      this.#behindWait = undefined;
    },
  };

  #arrivedBehindWait(behind: FetchBehindWait, result: FetchResult): void {
    const entries = result.entries.filter((entry) => !this.#held.has(entry.id));
    if (behind !== this.#behindWait) {
      // Abandoned, yet it ran: its entries are this consumer's in Redis; the next fetch reads them back.
      if (entries.length > 0) this.#recover = true;
      return;
    }
    this.#waiter.observe(result, behind.startedAt);
    this.#sizer.claimed(entries.length, messageLength(entries));
    for (const entry of entries) this.#held.add(entry.id);
    behind.entries = entries as StreamEntry[];
    // Messages without a marker of their own (a wait that ran out its time): wake the worker.
    if (entries.length > 0) this.#waiter.wake();
  }

  /** Acknowledges a held entry (XDEL too when `remove`); acks of one tick share one script call. */
  async finish(id: string, remove: boolean): Promise<void> {
    try {
      await this.#acks.add([id, remove]);
    } finally {
      // A failed ack leaves the entry pending: after a reconnect it is delivered again.
      this.#held.delete(id);
      this.#sizer.finished();
    }
  }

  /**
   * Hands held entries back to the group at once, their delivery count taken back (see RELEASE);
   * entries not held (acked, rejected, or never fetched here) are left alone.
   */
  async release(ids: readonly string[]): Promise<void> {
    const mine = [...new Set(ids)].filter((id) => this.#held.has(id));
    try {
      for (let from = 0; from < mine.length; from += MAX_IDS_PER_CALL) {
        await this.#connection.release(mine.slice(from, from + MAX_IDS_PER_CALL));
      }
    } finally {
      // Released or not, the worker no longer has them: a failed release leaves them to the timeout.
      for (const id of mine) this.#held.delete(id);
    }
  }

  /** Resets the idle time of a held entry; keepalives of one tick share one script call. */
  async keepalive(id: string): Promise<void> {
    await this.#keepalives.add(id);
  }

  /** An idle worker's wait: a send, the next due delayed message, the next sweep, or the time runs out. */
  wait(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    // claim_interval=0 sweeps on every fetch; that is no reason to wake an idle worker.
    const sweepAt =
      this.#settings.claimInterval > 0 && this.#claimCursor === "0-0" ? this.#nextClaimAt : undefined;
    return this.#waiter.wait(maxWaitMs, signal, sweepAt);
  }

  /**
   * Ends idle waits, finishes the acks and keepalives in flight, and hands back the entries a
   * fetch behind the last wait brought that no get() returned yet (the worker never saw them).
   */
  async close(): Promise<void> {
    this.#waiter.close();
    const behind = this.#behindWait;
    this.#behindWait = undefined;
    await Promise.all([this.#acks.drain(), this.#keepalives.drain()]);
    // A fetch still queued behind an unanswered wait never runs: close() drops its connection.
    if (behind === undefined || !behind.answered) return;
    await behind.settled;
    const unseen = behind.entries ?? [];
    if (unseen.length === 0) return;
    await this.release(unseen.map((entry) => entry.id)).catch((error: unknown) => {
      this.#settings.logger.warn(
        { transport: this.#settings.transport, count: unseen.length, error },
        "Could not hand back fetched messages; they are delivered again after the redelivery timeout",
      );
    });
  }

  async #flushAcks(items: readonly (readonly [string, boolean])[]): Promise<number> {
    const calls: Promise<number>[] = [];
    for (let from = 0; from < items.length; from += MAX_IDS_PER_CALL) {
      const deletes: string[] = [];
      const keeps: string[] = [];
      for (const [id, remove] of items.slice(from, from + MAX_IDS_PER_CALL))
        (remove ? deletes : keeps).push(id);
      calls.push(this.#connection.ack(deletes, keeps));
    }
    const acked = (await Promise.all(calls)).reduce((sum, n) => sum + n, 0);
    if (acked < items.length) {
      this.#settings.logger.debug(
        { transport: this.#settings.transport, acked, of: items.length },
        "Some acknowledged messages were no longer pending (taken over by another consumer after redeliver_timeout, or Redis lost them)",
      );
    }
    return acked;
  }

  async #flushKeepalives(ids: readonly string[]): Promise<number> {
    const unique = [...new Set(ids)];
    const calls: Promise<number>[] = [];
    for (let from = 0; from < unique.length; from += MAX_IDS_PER_CALL) {
      calls.push(this.#connection.keepalive(unique.slice(from, from + MAX_IDS_PER_CALL)));
    }
    const held = (await Promise.all(calls)).reduce((sum, n) => sum + n, 0);
    if (held < unique.length) {
      this.#settings.logger.warn(
        { transport: this.#settings.transport, lost: unique.length - held },
        "Messages in hand are no longer held by this consumer (taken over after redeliver_timeout); they may be handled twice",
      );
    }
    return held;
  }

  /**
   * Delivers again the entries of this consumer's own pending list that it does not hold: those a
   * fetch took whose reply was lost with the connection (no delivery counted: they never reached
   * a handler), or, for a fixed consumer name at start, those it held before a restart (counted:
   * the dead process had them), rather than after the redelivery timeout. Entries deleted
   * meanwhile are acknowledged away.
   */
  async #recoverOwnPending(): Promise<StreamEntry[]> {
    const atStart = this.#recoverAtStart;
    this.#recover = false;
    this.#recoverAtStart = false;
    const found: StreamEntry[] = [];
    try {
      const missing: string[] = [];
      for (let after = "-"; ; ) {
        const ids = await this.#connection.ownPending(after, 1_000);
        if (ids.length === 0) break;
        for (const id of ids) if (!this.#held.has(id)) missing.push(id);
        after = ids[ids.length - 1]!;
      }
      for (let from = 0; from < missing.length; from += MAX_IDS_PER_CALL) {
        found.push(
          ...(await this.#connection.reclaimOwn(missing.slice(from, from + MAX_IDS_PER_CALL), atStart)),
        );
      }
    } catch (error) {
      this.#recover = true;
      this.#recoverAtStart = atStart;
      throw error;
    }
    for (const entry of found) this.#held.add(entry.id);
    if (found.length > 0) {
      this.#sizer.claimed(found.length, messageLength(found));
      this.#settings.logger.info(
        { transport: this.#settings.transport, count: found.length },
        atStart
          ? "Delivering again messages this consumer name held before its process restarted"
          : "Delivering again messages this consumer holds in Redis but not in hand (a reply lost with the connection)",
      );
    }
    return found;
  }

  #sweepDone(): void {
    const now = Date.now();
    this.#nextClaimAt = now + this.#settings.claimInterval;
    if (now < this.#nextPruneAt) return;
    this.#nextPruneAt = now + PRUNE_EVERY_MS;
    this.#connection.pruneConsumers(PRUNE_IDLE_MS).catch((error: unknown) => {
      this.#settings.logger.debug(
        { transport: this.#settings.transport, error },
        "Could not prune idle consumers",
      );
    });
  }
}

/** The entries' stored messages' length in characters: what the claim sizer caps a fetch by. */
function messageLength(entries: readonly StreamEntry[]): number {
  let length = 0;
  for (const entry of entries) length += entry.message?.length ?? 0;
  return length;
}
