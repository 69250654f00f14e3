import { hostname } from "node:os";
import {
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  invalid,
  parseBooleanOption,
  parseDeliveryLimitOption,
  parseSecondsOptionAsMs,
  parseWholeNumberOption,
  resolveTransportOptions,
} from "@messenger-ts/core/transport";

/**
 * The keys a `redis://` DSN query or a transport's options object may carry, with their defaults.
 * Names and units are Symfony's: `redeliver_timeout` in seconds, `claim_interval` in milliseconds.
 */
export const REDIS_OPTION_DEFAULTS = {
  /** The stream's key (after `prefix`); also the path of the DSN. */
  stream: "messages" as string,
  /** The consumer group; every worker of one queue shares it. */
  group: "symfony" as string,
  /** This process's consumer name in the group; by default `<host>-<pid>-<random>`, unique per process. */
  consumer: undefined as string | undefined,
  /** Prepended to every key of the transport (stream, delayed set, restart signal, rate limits). */
  prefix: "" as string,
  auto_setup: true as boolean | string,
  delete_after_ack: true as boolean | string,
  delete_after_reject: true as boolean | string,
  /** 0: no trimming; > 0: `XADD … MAXLEN ~ n` (may drop unread messages: a safety cap, not a queue size). */
  stream_max_entries: 0 as number | string,
  /** Seconds. Symfony's default is 3600; keepalive (on by default in the worker) makes 30 safe. */
  redeliver_timeout: (DEFAULT_REDELIVERY_TIMEOUT_MS / 1000) as number | string,
  /** Milliseconds between two sweeps for abandoned messages (`XAUTOCLAIM`). Symfony: 60000. */
  claim_interval: 5_000 as number | string,
  /** Deliveries of a message without an acknowledgement before it goes to the failure transport. */
  delivery_limit: DEFAULT_DELIVERY_LIMIT as number | string,
  dbindex: 0 as number | string,
  /** Connect through Sentinel: the DSN's hosts are sentinels, this is the master's name. */
  sentinel_master: undefined as string | undefined,
  /** Connect to a Redis Cluster: the DSN's hosts are seed nodes. */
  cluster: false as boolean | string,
  /** Symfony's layout for delayed messages (`<stream>__queue`), to share the stream with PHP workers. */
  symfony: false as boolean | string,
};

export type RedisOptionName = keyof typeof REDIS_OPTION_DEFAULTS;

/** The transport options after defaults, validated; durations in milliseconds. */
export interface ResolvedRedisOptions {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string | undefined;
  readonly prefix: string;
  readonly autoSetup: boolean;
  readonly deleteAfterAck: boolean;
  readonly deleteAfterReject: boolean;
  readonly streamMaxEntries: number;
  readonly redeliveryTimeout: number;
  readonly claimInterval: number;
  readonly deliveryLimit: number;
  readonly dbindex: number;
  readonly sentinelMaster: string | undefined;
  readonly cluster: boolean;
  readonly symfony: boolean;
}

/**
 * Stream, group, consumer names and the prefix reach Redis as keys or arguments, and logs and
 * `CLIENT LIST` as text: printable, no spaces, no `/` (the DSN's path separator). `{` and `}` are
 * allowed for Cluster hash tags.
 */
const NAME = /^[A-Za-z0-9_.:{}@-]{1,200}$/;
const PREFIX = /^[A-Za-z0-9_.:{}@-]{0,100}$/;

export function toName(value: unknown, option: string, label: string): string {
  if (typeof value !== "string" || !NAME.test(value)) {
    throw invalid(
      option,
      value,
      label,
      'a name of 1 to 200 letters, digits and "_ . : - @ { }" (no spaces or "/")',
    );
  }
  return value;
}

export function toPrefix(value: unknown, label: string, option = "prefix"): string {
  if (typeof value !== "string" || !PREFIX.test(value)) {
    throw invalid(option, value, label, 'at most 100 letters, digits and "_ . : - @ { }" (may be empty)');
  }
  return value;
}

/**
 * The default consumer name: host, pid and a random part, so that no two processes ever share
 * one (Symfony's shared default `consumer` double-handles messages) and a restarted process gets a
 * new one. Characters a hostname may hold beyond {@link NAME} become `_`.
 */
export function defaultConsumerName(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9_.-]/g, "_")
      .slice(0, 100) || "host";
  const random = Math.random().toString(36).slice(2, 8).padEnd(6, "0");
  return `${host}-${process.pid}-${random}`;
}

/**
 * Merges the DSN query (path segments included), the options object and the defaults, in that
 * order of precedence; rejects unknown keys and validates every value before it can reach Redis.
 */
export function resolveRedisOptions(
  label: string,
  dsnQuery: Readonly<Record<string, string>>,
  options: Readonly<Record<string, unknown>>,
): ResolvedRedisOptions {
  const resolved = resolveTransportOptions(label, REDIS_OPTION_DEFAULTS, dsnQuery, options);
  const deleteAfterAck = parseBooleanOption(resolved.delete_after_ack, "delete_after_ack", label);
  return {
    stream: toName(resolved.stream, "stream", label),
    group: toName(resolved.group, "group", label),
    consumer:
      resolved.consumer === undefined || resolved.consumer === ""
        ? undefined
        : toName(resolved.consumer, "consumer", label),
    prefix: toPrefix(resolved.prefix, label),
    autoSetup: parseBooleanOption(resolved.auto_setup, "auto_setup", label),
    deleteAfterAck,
    deleteAfterReject: parseBooleanOption(resolved.delete_after_reject, "delete_after_reject", label),
    streamMaxEntries: parseWholeNumberOption(
      resolved.stream_max_entries,
      "stream_max_entries",
      label,
      0,
      2 ** 40,
    ),
    redeliveryTimeout: parseSecondsOptionAsMs(resolved.redeliver_timeout, "redeliver_timeout", label),
    claimInterval: parseWholeNumberOption(resolved.claim_interval, "claim_interval", label, 0, 86_400_000),
    deliveryLimit: parseDeliveryLimitOption(resolved.delivery_limit, "delivery_limit", label),
    dbindex: parseWholeNumberOption(resolved.dbindex, "dbindex", label, 0, 65_535),
    sentinelMaster:
      resolved.sentinel_master === undefined || resolved.sentinel_master === ""
        ? undefined
        : toName(resolved.sentinel_master, "sentinel_master", label),
    cluster: parseBooleanOption(resolved.cluster, "cluster", label),
    symfony: parseBooleanOption(resolved.symfony, "symfony", label),
  };
}

/** The keys of one transport. All but the restart, rate-limit and worker keys share one Cluster hash slot. */
export interface RedisKeys {
  /** The stream: `<prefix><stream>`. */
  readonly stream: string;
  /** Sorted set of delayed message ids, scored by due time (epoch ms, Redis clock). */
  readonly delayed: string;
  /** Hash of delayed message id → the message, until it is due and moves into the stream. */
  readonly delayedMessages: string;
  /** Sorted set with one member, "next", scored with when something may be ready: idle workers BZPOPMIN it. */
  readonly marker: string;
  /**
   * Sorted set of the priority levels (1 to 255) whose streams may hold messages, scored by level;
   * the messages of level p are in the stream {@link priorityStreamKey}, level 0 in `stream`.
   */
  readonly priorities: string;
  /** When `messenger:stop-workers` last asked workers to stop (shared by every stream under the prefix). */
  readonly restart: string;
  /** Prefix of the shared rate limiters' token buckets. */
  readonly rateLimitPrefix: string;
  /** Set of the paused transports' names (`messenger:pause`), shared by every stream under the prefix. */
  readonly paused: string;
  /** Prefix of the shared concurrency limits' leases: a sorted set per limit, scored by expiry. */
  readonly leasePrefix: string;
  /**
   * Sorted set of the ids of workers that beat (score: their last heartbeat, epoch ms), shared by
   * every stream under the prefix; each one's heartbeat is the key `workerPrefix + id`, with a TTL.
   */
  readonly workers: string;
  readonly workerPrefix: string;
  /** Prefix of the per-minute throughput hashes (`<prefix>messenger:throughput:<minute>`), shared like `workers`. */
  readonly throughputPrefix: string;
}

/**
 * The first non-empty `{…}` of a key: what Redis Cluster hashes instead of the whole key. Keys that
 * share it live in one slot, which a Lua script touching several of them needs.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf("{");
  if (open === -1) return undefined;
  const close = key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/**
 * `<prefix><stream>` and keys derived from it by suffix. With a hash tag in the stream key (or the
 * prefix) every derived key keeps that tag: one slot on Cluster. Without one, the derived keys
 * still share the stream's slot on a single node (where slots do not matter); on Cluster the
 * factory requires a tag.
 */
export function redisKeys(prefix: string, stream: string): RedisKeys {
  const key = `${prefix}${stream}`;
  return {
    stream: key,
    delayed: `${key}:delayed`,
    delayedMessages: `${key}:delayed:messages`,
    marker: `${key}:marker`,
    priorities: `${key}:priorities`,
    restart: `${prefix}messenger:restart-requested-at`,
    rateLimitPrefix: `${prefix}messenger:rate-limit:`,
    paused: `${prefix}messenger:paused`,
    leasePrefix: `${prefix}messenger:leases:`,
    workers: `${prefix}messenger:workers`,
    workerPrefix: `${prefix}messenger:worker:`,
    throughputPrefix: `${prefix}messenger:throughput:`,
  };
}

/**
 * The most entries one fetch takes (the claim sizer picks fewer for slow consumers). The worker
 * fetches again only once it started the batch before, and its handler slots empty during that
 * round trip: with I/O-bound handlers at concurrency 200 a batch of 32 left a third of the slots
 * idle on a busy machine, so a batch may hold more than a worker's concurrency.
 */
export const MAX_FETCH_BATCH = 256;

/**
 * The message characters one fetch takes at most, judged from the entries fetched before (the claim
 * sizer's byte cap). A worker decodes a fetched batch at once and holds it until its last message
 * is handled; 256 entries of 10 KB, their decoded copies and the reply they came in outgrew V8's
 * young generation, and garbage collection then took more of the worker than its messages. A
 * megabyte keeps messages of up to 4 KB at full batches.
 */
export const FETCH_BATCH_BYTES = 1_048_576;

/** The stream of the messages of priority `level` (1 to 255): `<stream>:priority:<level>`. */
export function priorityStreamKey(stream: string, level: number): string {
  return `${stream}:priority:${level}`;
}
