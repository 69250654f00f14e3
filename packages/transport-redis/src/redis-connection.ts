import {
  type Logger,
  LogicError,
  MessengerError,
  type ThroughputBucket,
  TransportAuthenticationError,
  TransportError,
} from "@messenger-ts/core";
import { unpackEntries } from "./packed-entries.js";
import { hasLevelPrefix, splitId } from "./redis-message-id.js";
import type { RedisKeys } from "./redis-options.js";
import {
  ACK,
  COUNT,
  FETCH,
  FIND,
  KEEPALIVE,
  LIST,
  OWN_PENDING,
  PRUNE_CONSUMERS,
  RECLAIM_OWN,
  RELEASE,
  RELEASE_DEDUPLICATION,
  REMOVE,
  RESERVE_TOKEN,
  type RedisScript,
  SEND,
  SEND_DEDUPLICATED,
} from "./redis-scripts.js";
import { readThroughput, recordThroughput } from "./redis-throughput.js";
import {
  acquireClient,
  COMMAND_TIMEOUT_MS,
  createBlockingClient,
  isAuthenticationError,
  MAX_RETRIES_PER_REQUEST,
  PROCESS_CONNECTION_NAME,
  type RedisClient,
  type RedisClientConfig,
  refusedCredentials,
  releaseClient,
  reopen,
  UnreachableError,
  whenConnected,
} from "./shared-client.js";
import { type StoredMessage, storedText } from "./stored-message.js";
import { SYMFONY_PROMOTE, SYMFONY_SEND_DELAYED } from "./symfony-layout.js";

/** One stream entry: its id and its `message` field (undefined when the entry has none). */
export interface StreamEntry {
  readonly id: string;
  readonly message: string | undefined;
  /** For an entry a consumer fetched: Redis's delivery count of it (1 when absent: a first read). */
  readonly deliveries?: number;
}

/**
 * A message to store: undelayed ones go to the stream of their priority level, delayed ones to the
 * sorted set under `id` (which carries the level's prefix, see redis-message-id.ts).
 */
export interface OutgoingMessage {
  readonly delay: number;
  readonly id: string;
  /** 0 to 255; 0 is the stream itself. */
  readonly priority: number;
  /** What is stored is `head + tail`; the tails the messages share go to Redis once (see SEND). */
  readonly message: StoredMessage;
}

export interface FetchResult {
  /** The Redis clock when the fetch ran (ms). */
  readonly now: number;
  /** When the earliest delayed message is due (Redis clock, ms), or null when none waits. */
  readonly nextDueAt: number | null;
  /** Where the abandoned-message sweep goes on; "0-0" when it went round. */
  readonly cursor: string;
  /** Entries taken over from dead consumers first, then new ones; oldest first within each. */
  readonly entries: readonly StreamEntry[];
}

export interface MessageCounts {
  /** In the stream, not read by any consumer yet. */
  readonly waiting: number;
  /** Read by a consumer and not acknowledged: being handled, or abandoned and not claimed again yet. */
  readonly pending: number;
  /** In the delayed set, due or not. */
  readonly delayed: number;
}

export interface DelayedEntry extends StreamEntry {
  /** Due time, Redis clock (ms). */
  readonly dueAt: number;
}

export interface RedisConnectionSettings {
  /** Where to connect (credentials included; never logged). */
  readonly config: RedisClientConfig;
  readonly keys: RedisKeys;
  readonly group: string;
  readonly consumer: string;
  readonly autoSetup: boolean;
  readonly streamMaxEntries: number;
  readonly deleteAfterAck: boolean;
  readonly deleteAfterReject: boolean;
  /** `transport "async"`: how errors name the transport. */
  readonly label: string;
  /** `127.0.0.1:6379/0`: how errors name the server, without credentials. */
  readonly target: string;
  readonly logger: Logger;
  /** Symfony's delayed queue (`<stream>__queue`) when the transport is in Symfony mode; see symfony-layout.ts. */
  readonly symfonyQueue?: string;
}

/** Most delayed messages one fetch moves into the stream; the rest move on the next fetch. */
const PROMOTE_LIMIT = 1_000;

/**
 * The consumer that released entries are parked on until a fetch takes them over. Its parentheses
 * cannot appear in a configured consumer name, so it never collides with a worker.
 */
export const RELEASED_CONSUMER = "(released)";

/**
 * The idle time a released entry gets: past any redelivery timeout, so that a sweep (XAUTOCLAIM)
 * of any worker takes it too, not only the fetch that looks for released entries.
 */
const RELEASED_IDLE_MS = 366 * 86_400_000;

/**
 * All Redis commands of the transport: the Lua scripts (one round trip per operation), the
 * blocking wait on its own connection, setup and the small keys. Every driver error leaves here
 * as a TransportError naming the operation, the stream and the server (never a password), with
 * the driver's error as `cause`.
 */
export class RedisConnection {
  readonly #settings: RedisConnectionSettings;
  readonly #keys: RedisKeys;
  /** Every acked or rejected entry is deleted: the stream then holds exactly unread + pending entries. */
  readonly #exact: string;
  #shared: ReturnType<typeof acquireClient> | undefined;
  #blocking: RedisClient | undefined;
  readonly #reconnectListeners = new Set<() => void>();
  readonly #onReconnect = () => {
    for (const listener of [...this.#reconnectListeners]) listener();
  };

  constructor(settings: RedisConnectionSettings) {
    this.#settings = settings;
    this.#keys = settings.keys;
    this.#exact = settings.deleteAfterAck && settings.deleteAfterReject ? "1" : "0";
  }

  /** The command client (connecting lazily), shared by the transports of the process on the same server. */
  get client(): RedisClient {
    if (!this.#shared) {
      this.#shared = acquireClient(this.#settings.config, this.#settings.logger);
      this.#shared.reconnected.add(this.#onReconnect);
    }
    const client = this.#shared.client;
    reopen(client);
    return client;
  }

  /** Called after the command connection came back from a loss (replies in flight may be lost). */
  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  async send(messages: readonly OutgoingMessage[]): Promise<string[]> {
    // Each distinct tail once (a bus's messages of one type share theirs), then the messages.
    const tails = new Map<string, number>();
    for (const m of messages) if (!tails.has(m.message.tail)) tails.set(m.message.tail, tails.size + 1);
    const args: (string | number)[] = [this.#settings.streamMaxEntries, tails.size, ...tails.keys()];
    if (tails.size === 1) for (const m of messages) args.push(m.delay, m.id, m.priority, m.message.head);
    else
      for (const m of messages)
        args.push(m.delay, m.id, m.priority, tails.get(m.message.tail)!, m.message.head);
    const operation = messages.length === 1 ? "send a message" : `send ${messages.length} messages`;
    // While Redis is down a send fails within half a second, and nothing is queued that could go
    // out later behind the caller's back (a message reported as failed is never stored).
    await this.#wrap(operation, () => whenConnected(this.client));
    return (await this.#run(operation, SEND, this.#streamKeys(), args)) as string[];
  }

  /**
   * Sends one message holding a deduplication key (see SEND_DEDUPLICATED): stored, replacing the
   * waiting holder, or dropped; with the id of the message that holds the key afterwards.
   */
  async sendDeduplicated(
    message: OutgoingMessage,
    deduplication: {
      readonly key: string;
      readonly ttl: number;
      readonly replace: boolean;
      readonly extend: boolean;
      readonly token: string;
    },
  ): Promise<{ outcome: "stored" | "replaced" | "dropped"; id: string }> {
    await this.#wrap("send a message", () => whenConnected(this.client));
    const args = [
      this.#settings.streamMaxEntries,
      message.delay,
      message.id,
      storedText(message.message),
      deduplication.ttl,
      deduplication.replace ? "1" : "0",
      deduplication.extend ? "1" : "0",
      this.#settings.group,
      deduplication.token,
      message.priority,
    ];
    const keys = [...this.#streamKeys(), this.deduplicationKey(deduplication.key)];
    const [outcome, id] = (await this.#run("send a message", SEND_DEDUPLICATED, keys, args)) as [
      "stored" | "replaced" | "dropped",
      string,
    ];
    return { outcome, id };
  }

  /** Releases the key while it still names this token (its holder is taken, or handled). */
  async releaseDeduplication(key: string, token: string): Promise<void> {
    await this.#run(
      "release a deduplication key",
      RELEASE_DEDUPLICATION,
      [this.deduplicationKey(key)],
      [token],
    );
  }

  /** `<stream>:deduplication:<key>`: next to the stream, in its Cluster slot when it has a hash tag. */
  deduplicationKey(key: string): string {
    return `${this.#keys.stream}:deduplication:${key}`;
  }

  async fetch(count: number, claim: boolean, claimMinIdle: number, cursor: string): Promise<FetchResult> {
    // As send(): during an outage a worker's get() fails within half a second, so the worker
    // reports it and keeps its time limit and signals, instead of waiting on reconnection attempts.
    await this.#wrap("receive messages", () => whenConnected(this.client));
    return this.#fetchOn(this.client, count, claim, claimMinIdle, cursor);
  }

  /**
   * The fetch script queued on the waiting connection right behind its outstanding BZPOPMIN (call
   * it right after waitForMarker): Redis runs a connection's commands in order, so the fetch runs
   * the moment the wait ends, and a woken worker has its messages one round trip after the
   * wake-up instead of two. It reads new entries only; sweeps for abandoned ones stay with fetch().
   */
  fetchAfterWait(count: number): Promise<FetchResult> {
    const blocking = this.#blocking;
    if (blocking === undefined) {
      return Promise.reject(new LogicError("fetchAfterWait() needs a wait on the waiting connection."));
    }
    return this.#fetchOn(blocking, count, false, 0, "0-0");
  }

  /**
   * Ends an outstanding wait at once by dropping the waiting connection (the next wait opens a new
   * one). A marker sent afterwards goes to another idle worker, and a fetch queued behind the wait
   * never runs, unless the wait had already ended in Redis.
   */
  endWait(): void {
    const blocking = this.#blocking;
    this.#blocking = undefined;
    blocking?.disconnect();
  }

  async #fetchOn(
    client: RedisClient,
    count: number,
    claim: boolean,
    claimMinIdle: number,
    cursor: string,
  ): Promise<FetchResult> {
    const { group, consumer, autoSetup, streamMaxEntries } = this.#settings;
    const args = [
      group,
      consumer,
      count,
      streamMaxEntries,
      autoSetup ? "1" : "0",
      claim ? "1" : "0",
      claimMinIdle,
      cursor,
      PROMOTE_LIMIT,
      RELEASED_CONSUMER,
    ];
    const queue = this.#settings.symfonyQueue;
    // Sent before the fetch on the same connection, which runs them in order: no extra wait.
    const promoted =
      queue === undefined
        ? undefined
        : this.#run(
            "move due delayed messages",
            SYMFONY_PROMOTE,
            [queue, this.#keys.stream],
            [PROMOTE_LIMIT, streamMaxEntries],
            client,
          );
    // In bytes: the new entries come packed in one string per level (see unpackEntries), or for a
    // level of big messages as entries.
    const fetched = this.#run("receive messages", FETCH, this.#streamKeys(), args, client, true);
    const [symfonyDueAt, reply] = await Promise.all([promoted ?? -1, fetched]);
    const [now, ownDueAt, nextCursor, claimed, deliveries, packedByLevel] = reply as [
      number,
      number,
      Buffer,
      RawBufferEntry[],
      number[],
      (Buffer | RawBufferEntry[])[],
    ];
    const dues = [ownDueAt, symfonyDueAt as number].filter((due) => due >= 0);
    const nextDueAt = dues.length === 0 ? -1 : Math.min(...dues);
    const entries: StreamEntry[] = [];
    for (let i = 0; i < claimed.length; i++) {
      entries.push({ ...fromBuffers(claimed[i]!), deliveries: deliveries[i] ?? 1 });
    }
    for (const level of packedByLevel) {
      if (Buffer.isBuffer(level)) unpackEntries(level, entries);
      else for (const entry of level) entries.push(fromBuffers(entry));
    }
    return { now, nextDueAt: nextDueAt < 0 ? null : nextDueAt, cursor: nextCursor.toString(), entries };
  }

  /** Symfony mode: adds delayed messages to `<stream>__queue` (see SYMFONY_SEND_DELAYED). */
  async sendSymfonyDelayed(messages: readonly { readonly delay: number; readonly member: string }[]) {
    const args: (string | number)[] = [];
    for (const m of messages) args.push(m.delay, m.member);
    await this.#run(
      "send delayed messages",
      SYMFONY_SEND_DELAYED,
      [this.#settings.symfonyQueue!, this.#keys.marker],
      args,
    );
  }

  /** XACK every id, and XDEL `deleteIds` too; returns how many were still pending. */
  async ack(deleteIds: readonly string[], keepIds: readonly string[]): Promise<number> {
    const group = this.#settings.group;
    // All of level 0 (no priorities in use, the common case): one group, nothing to split.
    if (!deleteIds.some(hasLevelPrefix) && !keepIds.some(hasLevelPrefix)) {
      const args = [group, 0, deleteIds.length + keepIds.length, deleteIds.length, ...deleteIds, ...keepIds];
      return (await this.#run("acknowledge messages", ACK, [this.#keys.stream], args)) as number;
    }
    // Grouped by level here, so the script, which every worker of the queue waits on, does not
    // parse ids: per level, the ids to delete first, then those to keep.
    const byLevel = new Map<number, { deletes: string[]; keeps: string[] }>();
    const add = (id: string, remove: boolean) => {
      const { level, id: raw } = splitId(id);
      const ids = byLevel.get(level) ?? { deletes: [], keeps: [] };
      byLevel.set(level, ids);
      (remove ? ids.deletes : ids.keeps).push(raw);
    };
    for (const id of deleteIds) add(id, true);
    for (const id of keepIds) add(id, false);
    const args: (string | number)[] = [group];
    for (const [level, { deletes, keeps }] of byLevel) {
      args.push(level, deletes.length + keeps.length, deletes.length, ...deletes, ...keeps);
    }
    return (await this.#run("acknowledge messages", ACK, [this.#keys.stream], args)) as number;
  }

  /** Deletes a listed message, delayed or in the stream, whatever its state; true when it was there. */
  async remove(kind: "stream" | "delayed", id: string): Promise<boolean> {
    const keys = [this.#keys.stream, this.#keys.delayed, this.#keys.delayedMessages];
    return (await this.#run("remove a message", REMOVE, keys, [this.#settings.group, kind, id])) === 1;
  }

  /** Resets the idle time of the entries this consumer still owns; returns how many it owns. */
  async keepalive(ids: readonly string[]): Promise<number> {
    const args = [this.#settings.group, this.#settings.consumer, ...ids];
    return (await this.#run("keep messages alive", KEEPALIVE, [this.#keys.stream], args)) as number;
  }

  /** Hands entries this consumer owns back to the group at once (see RELEASE); returns how many. */
  async release(ids: readonly string[]): Promise<number> {
    const { group, consumer } = this.#settings;
    const args = [group, consumer, RELEASED_CONSUMER, RELEASED_IDLE_MS, ...ids];
    return (await this.#run(
      "release messages",
      RELEASE,
      [this.#keys.stream, this.#keys.marker],
      args,
    )) as number;
  }

  async count(): Promise<MessageCounts> {
    const keys = [this.#keys.stream, this.#keys.delayed];
    const [waiting, pending, delayed] = (await this.#run("count messages", COUNT, keys, [
      this.#settings.group,
      this.#exact,
    ])) as [number, number, number];
    const queue = this.#settings.symfonyQueue;
    if (queue === undefined) return { waiting, pending, delayed };
    const queued = await this.#wrap("count delayed messages", () => this.client.zcard(queue));
    return { waiting, pending, delayed: delayed + queued };
  }

  /** Stored messages after `after` (a stream entry or a delayed message; none: from the start). */
  async list(
    limit: number,
    after?: { readonly kind: "stream" | "delayed"; readonly id: string },
  ): Promise<{ entries: StreamEntry[]; delayed: DelayedEntry[] }> {
    const keys = [this.#keys.stream, this.#keys.delayed, this.#keys.delayedMessages];
    const [entries, ids, bodies, dues, gone] = (await this.#run("list messages", LIST, keys, [
      this.#settings.group,
      limit,
      this.#exact,
      after?.kind ?? "",
      after?.id ?? "",
    ])) as [RawEntry[], string[], (string | null)[], string[], number];
    if (gone === 1) {
      throw new MessengerError(
        "REDIS_LIST_CURSOR_GONE",
        `Cannot list the messages after delayed message "${after!.id}" of stream "${this.#keys.stream}": it is no longer stored (removed, or moved to the stream once due), and a delayed message's place is known only while it is stored. List again from the start.`,
      );
    }
    return {
      entries: entries.map(toEntry),
      delayed: ids.map((id, i) => ({ id, message: bodies[i] ?? undefined, dueAt: Number(dues[i]) })),
    };
  }

  async find(kind: "stream" | "delayed", id: string): Promise<StreamEntry | undefined> {
    const keys = [this.#keys.stream, this.#keys.delayed, this.#keys.delayedMessages];
    const found = (await this.#run("find a message", FIND, keys, [
      this.#settings.group,
      kind,
      id,
      this.#exact,
    ])) as [string, string] | null;
    return found ? { id: found[0], message: found[1] === "" ? undefined : found[1] } : undefined;
  }

  /**
   * The ids of this consumer's own pending entries after `afterId` ("-": from the first), in claim
   * order (see OWN_PENDING), up to `count`; [] when there are no more. Reads only: counts no delivery.
   */
  async ownPending(afterId: string, count: number): Promise<string[]> {
    const { group, consumer } = this.#settings;
    return (await this.#run(
      "read its pending messages",
      OWN_PENDING,
      [this.#keys.stream],
      [group, consumer, afterId, count],
    )) as string[];
  }

  /**
   * Takes back this consumer's own pending entries `ids` (see RECLAIM_OWN), counting a delivery
   * each when `count`; entries deleted meanwhile or owned by another consumer are left out.
   */
  async reclaimOwn(ids: readonly string[], count: boolean): Promise<StreamEntry[]> {
    const { group, consumer } = this.#settings;
    const [entries, deliveries] = (await this.#run(
      "take back its pending messages",
      RECLAIM_OWN,
      [this.#keys.stream],
      [group, consumer, count ? "1" : "0", ...ids],
    )) as [RawEntry[], number[]];
    return entries.map((raw, i) => ({ ...toEntry(raw), deliveries: deliveries[i] ?? 1 }));
  }

  /** Removes consumers that hold nothing and did not read for `idleMs`; returns how many. */
  async pruneConsumers(idleMs: number): Promise<number> {
    const args = [this.#settings.group, idleMs, this.#settings.consumer];
    return (await this.#run("prune idle consumers", PRUNE_CONSUMERS, [this.#keys.stream], args)) as number;
  }

  /**
   * Creates the stream and the group (reading from the first entry). Idempotent and safe when
   * several workers run it at once: an existing group is left as it is. Refuses a stream read by
   * other groups while acked messages are deleted, since that would delete what they did not read.
   */
  async setup(): Promise<void> {
    const { group, deleteAfterAck, deleteAfterReject } = this.#settings;
    const stream = this.#keys.stream;
    const groups = await this.#wrap("set up its stream and consumer group", async () => {
      try {
        await this.client.xgroup("CREATE", stream, group, "0", "MKSTREAM");
      } catch (error) {
        if (!String((error as Error)?.message).includes("BUSYGROUP")) throw error;
      }
      return (await this.client.xinfo("GROUPS", stream)) as unknown[][];
    });
    if ((deleteAfterAck || deleteAfterReject) && groups.length > 1) {
      const names = groups.map((fields) => String(fields[fields.indexOf("name") + 1]));
      throw new LogicError(
        `Stream "${stream}" of ${this.#settings.label} is read by ${groups.length} consumer groups (${names.join(", ")}), but delete_after_ack / delete_after_reject would delete messages the other groups have not read: set both to false for a stream shared by several groups.`,
        { code: "REDIS_SHARED_STREAM" },
      );
    }
  }

  /**
   * Whether the server persists what it holds: "none" when it has neither AOF (`appendonly yes`)
   * nor RDB save points (`save ""`), "unknown" when it does not let CONFIG GET be used (managed
   * Redis often forbids it; INFO persistence shows AOF, but not the save points, so it can only
   * confirm persistence, never its absence).
   */
  async persistence(): Promise<"on" | "none" | "unknown"> {
    const client = this.client;
    try {
      const [appendonly, save] = await Promise.all([
        client.config("GET", "appendonly") as Promise<string[]>,
        client.config("GET", "save") as Promise<string[]>,
      ]);
      if (appendonly.length < 2 || save.length < 2) return "unknown";
      return appendonly[1] === "yes" || save[1]!.trim() !== "" ? "on" : "none";
    } catch {
      try {
        const info = String(await client.info("persistence"));
        return /^aof_enabled:1\b/m.test(info) ? "on" : "unknown";
      } catch {
        return "unknown";
      }
    }
  }

  async requestRestart(at: number): Promise<void> {
    await this.#wrap("record the restart signal", () =>
      this.client.set(this.#keys.restart, String(Math.trunc(at))),
    );
  }

  async restartRequestedAt(): Promise<number | null> {
    const value = await this.#wrap("read the restart signal", () => this.client.get(this.#keys.restart));
    return value === null ? null : Number(value);
  }

  /**
   * The heartbeat under its own key with a TTL (Redis expires it: a killed worker's record goes by
   * itself), and its id in the index that `listWorkers()` reads. Two commands, not a transaction:
   * the keys may live in different Cluster slots, and the index only ever points at keys that
   * may be gone already.
   */
  async beatWorker(id: string, heartbeat: string, lastSeenAt: number, ttlMs: number): Promise<void> {
    await this.#wrap("publish the worker heartbeat", async () => {
      await this.client.set(
        `${this.#keys.workerPrefix}${id}`,
        heartbeat,
        "PX",
        String(Math.max(1, Math.ceil(ttlMs))),
      );
      await this.client.zadd(this.#keys.workers, String(lastSeenAt), id);
    });
  }

  /** The heartbeats whose keys still exist; ids whose key expired leave the index (lazy cleanup). */
  async listWorkers(): Promise<string[]> {
    return this.#wrap("list the workers", async () => {
      const ids = await this.client.zrange(this.#keys.workers, "0", "-1");
      const values = await Promise.all(ids.map((id) => this.client.get(`${this.#keys.workerPrefix}${id}`)));
      const gone = ids.filter((_, i) => values[i] === null);
      if (gone.length > 0) await this.client.zrem(this.#keys.workers, ...gone);
      return values.filter((value): value is string => value !== null);
    });
  }

  async removeWorker(id: string): Promise<void> {
    await this.#wrap("remove the worker heartbeat", async () => {
      await this.client.del(`${this.#keys.workerPrefix}${id}`);
      await this.client.zrem(this.#keys.workers, id);
    });
  }

  /** Adds worker throughput to the per-minute hashes (each expiring with its minute). */
  async recordThroughput(buckets: readonly ThroughputBucket[]): Promise<void> {
    await this.#wrap("record the worker throughput", () =>
      recordThroughput(this.client, this.#keys.throughputPrefix, buckets),
    );
  }

  /** The throughput of these transports in the minutes from `since` to `now`. */
  readThroughput(transports: readonly string[], since: number, now: number): Promise<ThroughputBucket[]> {
    return this.#wrap("read the worker throughput", () =>
      readThroughput(this.client, this.#keys.throughputPrefix, transports, since, now),
    );
  }

  /** Takes a permit from the shared token bucket `key`; returns the wait in ms before using it. */
  async reserveToken(key: string, limit: number, intervalMs: number): Promise<number> {
    const bucket = `${this.#keys.rateLimitPrefix}${key}`;
    return (await this.#run(
      "take a rate-limit permit",
      RESERVE_TOKEN,
      [bucket],
      [limit, intervalMs],
    )) as number;
  }

  /**
   * Blocks up to `timeoutMs` on the marker (BZPOPMIN, on a connection of its own) and returns its
   * score: when something became ready (0 or a past time), or when a newly delayed message is due.
   * Null on timeout. Only one call may be outstanding at a time.
   */
  async waitForMarker(timeoutMs: number): Promise<number | null> {
    this.#blocking ??= createBlockingClient(
      this.#settings.config,
      this.#settings.logger,
      `${PROCESS_CONNECTION_NAME}:wait:${this.#keys.stream}`,
    );
    reopen(this.#blocking);
    const seconds = (Math.max(1, Math.ceil(timeoutMs)) / 1000).toFixed(3);
    const reply = await this.#wrap("wait for messages", () =>
      this.#blocking!.bzpopmin(this.#keys.marker, seconds),
    );
    return reply ? Number(reply[2]) : null;
  }

  /** Puts a popped marker back (only lowering its score), for another idle worker to take. */
  async restoreMarker(score: number): Promise<void> {
    await this.#wrap("restore the wake-up marker", () =>
      this.client.zadd(this.#keys.marker, "LT", String(score), "next"),
    );
  }

  /** Ends the blocking connection at once and gives the shared one back (the last user closes it). */
  async close(): Promise<void> {
    const blocking = this.#blocking;
    this.#blocking = undefined;
    blocking?.disconnect();
    const shared = this.#shared;
    this.#shared = undefined;
    if (shared) {
      shared.reconnected.delete(this.#onReconnect);
      await releaseClient(shared);
    }
  }

  #streamKeys(): string[] {
    return [this.#keys.stream, this.#keys.delayed, this.#keys.delayedMessages, this.#keys.marker];
  }

  /** The transport's keys: for the stores kept next to the stream (pause state, shared limits). */
  get keys(): RedisKeys {
    return this.#keys;
  }

  /** Runs a script of the stores kept next to the stream, with this connection's errors. */
  runScript(
    operation: string,
    script: RedisScript,
    keys: readonly string[],
    args: readonly (string | number)[],
  ) {
    return this.#run(operation, script, keys, args);
  }

  /** Runs commands of the stores kept next to the stream, with this connection's errors. */
  command<T>(operation: string, run: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.#wrap(operation, () => run(this.client));
  }

  /**
   * EVALSHA, falling back to EVAL (which caches the script) when the server does not know it.
   * With `buffers`, the reply's strings come as Buffers, as Redis sent them.
   */
  #run(
    operation: string,
    script: RedisScript,
    keys: readonly string[],
    args: readonly (string | number)[],
    on?: RedisClient,
    buffers = false,
  ) {
    return this.#wrap(operation, async () => {
      const client = on ?? this.client;
      try {
        return buffers
          ? await client.callBuffer("evalsha", [script.sha, script.numberOfKeys, ...keys, ...args])
          : await client.evalsha(script.sha, script.numberOfKeys, ...keys, ...args);
      } catch (error) {
        if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
        return buffers
          ? client.callBuffer("eval", [script.lua, script.numberOfKeys, ...keys, ...args])
          : client.eval(script.lua, script.numberOfKeys, ...keys, ...args);
      }
    });
  }

  async #wrap<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof MessengerError) throw error;
      throw this.#transportError(operation, error);
    }
  }

  #transportError(operation: string, error: unknown): TransportError {
    const { label, target, group } = this.#settings;
    const where = `stream "${this.#keys.stream}" on ${target}`;
    const message = error instanceof Error ? error.message : String(error);
    const refused = isAuthenticationError(error)
      ? error
      : [this.#shared?.client, this.#blocking].map((c) => c && refusedCredentials(c)).find(Boolean);
    if (refused) {
      // Redis's refusal names no password; the DSN's password is never part of a message.
      return new TransportAuthenticationError(
        `Redis ${label} could not ${operation} (${where}): the server refused the credentials (the user and password of the DSN): ${(refused as Error).message}`,
        { cause: error },
      );
    }
    if (message.includes("NOGROUP")) {
      return new TransportError(
        `Redis ${label} could not ${operation}: consumer group "${group}" of ${where} does not exist. Run setup() (messenger:setup-transports), or enable auto_setup.`,
        { cause: error, code: "REDIS_GROUP_MISSING" },
      );
    }
    const reason =
      error instanceof UnreachableError
        ? message
        : (error as Error)?.name === "MaxRetriesPerRequestError"
          ? `Redis is unreachable (gave up after ${MAX_RETRIES_PER_REQUEST} reconnection attempts; it keeps reconnecting in the background)`
          : message === "Command timed out"
            ? `no reply within ${COMMAND_TIMEOUT_MS / 1000} s`
            : message;
    return new TransportError(`Redis ${label} could not ${operation} (${where}): ${reason}`, {
      cause: error,
    });
  }
}

type RawEntry = [string, string[] | null];
type RawBufferEntry = [Buffer, Buffer[] | null];

/** An entry of a reply read in bytes. */
function fromBuffers([id, fields]: RawBufferEntry): StreamEntry {
  return toEntry([id.toString(), fields?.map((field) => field.toString()) ?? null]);
}

/** The entry as XRANGE, XCLAIM and the scripts that list entries return it (ids with their prefix). */
function toEntry([id, fields]: RawEntry): StreamEntry {
  if (fields) {
    for (let i = 0; i < fields.length; i += 2) {
      if (fields[i] === "message") return { id, message: fields[i + 1] };
    }
  }
  return { id, message: undefined };
}
