import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "@messenger-ts/core";
import {
  DEFAULT_DELIVERY_LIMIT,
  invalid,
  parseBooleanOption,
  parseDeliveryLimitOption,
  parseWholeNumberOption,
  shown,
  toOptionNumber,
} from "@messenger-ts/core/transport";

/** php-amqp's flag bits, which Symfony's `flags` options hold: a config can be shared with PHP. */
export const AMQP_FLAGS = { DURABLE: 2, PASSIVE: 4, EXCLUSIVE: 8, AUTODELETE: 16, INTERNAL: 32 } as const;

/**
 * The option keys of an `amqp://` transport, Symfony's names; `prefetch_count` and
 * `delivery_limit` are this transport's own. Anything else is an error listing these.
 */
export const AMQP_OPTION_KEYS = [
  "host",
  "port",
  "vhost",
  "user",
  "login",
  "password",
  "exchange",
  "queues",
  "delay",
  "auto_setup",
  "persistent",
  "prefetch_count",
  "delivery_limit",
  "confirm_timeout",
  "connect_timeout",
  "heartbeat",
  "frame_max",
  "channel_max",
  "connection_name",
  "cacert",
  "cert",
  "key",
  "verify",
] as const;
const EXCHANGE_KEYS = ["name", "type", "default_publish_routing_key", "flags", "arguments"] as const;
const QUEUE_KEYS = ["binding_keys", "binding_arguments", "flags", "arguments"] as const;
const DELAY_KEYS = ["exchange_name", "queue_name_pattern"] as const;
/** Queue arguments RabbitMQ wants as numbers, which a DSN query gives as text (Symfony's list). */
const INTEGER_ARGUMENTS = [
  "x-delay",
  "x-expires",
  "x-max-length",
  "x-max-length-bytes",
  "x-max-priority",
  "x-message-ttl",
  "x-delivery-limit",
];
const EXCHANGE_TYPES = ["fanout", "direct", "topic", "headers"];

export interface ResolvedExchange {
  readonly name: string;
  readonly type: string;
  readonly defaultPublishRoutingKey: string | undefined;
  readonly flags: number;
  readonly arguments: Readonly<Record<string, unknown>>;
}

export interface ResolvedQueue {
  readonly name: string;
  /** Undefined: one binding without a key (Symfony's `[null]`). */
  readonly bindingKeys: readonly string[] | undefined;
  readonly bindingArguments: Readonly<Record<string, unknown>>;
  readonly flags: number;
  readonly arguments: Readonly<Record<string, unknown>>;
}

/** What the transport is built from: the DSN and options merged, defaulted and checked. */
export interface ResolvedAmqpOptions {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly vhost: string;
  readonly user: string;
  readonly password: string;
  readonly exchange: ResolvedExchange;
  readonly queues: readonly ResolvedQueue[];
  readonly delay: { readonly exchangeName: string; readonly queueNamePattern: string };
  readonly autoSetup: boolean;
  /** Undefined: the worker's concurrency. */
  readonly prefetchCount: number | undefined;
  readonly deliveryLimit: number;
  /** Milliseconds. */
  readonly confirmTimeout: number;
  /** Milliseconds. */
  readonly connectTimeout: number;
  /** Seconds; undefined lets the server choose. */
  readonly heartbeat: number | undefined;
  readonly frameMax: number | undefined;
  readonly channelMax: number | undefined;
  readonly connectionName: string | undefined;
  /** File contents for amqps://. */
  readonly ca: Buffer | undefined;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  readonly verify: boolean;
}

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** Symfony's array_replace_recursive: `over` wins, trees merge key by key. */
export function mergeOptions(base: Tree, over: Tree): Tree {
  const merged: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isTree(value) && isTree(merged[key]) ? mergeOptions(merged[key] as Tree, value) : value;
  }
  return merged;
}

function checkKeys(value: unknown, allowed: readonly string[], what: string, label: string): Tree {
  if (value === undefined) return {};
  if (!isTree(value)) throw invalid(what, value, label, `a map of ${allowed.join(", ")}`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InvalidArgumentError(
        `Unknown option "${what === "" ? key : `${what}[${key}]`}" for ${label}; allowed: ${allowed.join(", ")}.`,
        { code: "UNKNOWN_TRANSPORT_OPTION" },
      );
    }
  }
  return value;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}

/** A name RabbitMQ accepts (a shortstr): at most 255 bytes, not empty. */
function toName(value: unknown, option: string, label: string, allowEmpty = false): string {
  if (
    typeof value !== "string" ||
    (!allowEmpty && value === "") ||
    Buffer.byteLength(value) > 255 ||
    hasControlCharacter(value)
  ) {
    throw invalid(
      option,
      value,
      label,
      `a name of ${allowEmpty ? 0 : 1} to 255 bytes without control characters`,
    );
  }
  return value;
}

function toFlags(value: unknown, option: string, label: string, fallback: number): number {
  if (value === undefined) return fallback;
  return parseWholeNumberOption(value, option, label, 0, 63);
}

/** A list given as a list, as `{0: …, 1: …}` (`key[0]=…` in a query), or one string. */
function toList(value: unknown, option: string, label: string): string[] {
  const items =
    typeof value === "string"
      ? [value]
      : Array.isArray(value)
        ? value
        : isTree(value)
          ? Object.values(value)
          : null;
  if (!items?.every((item) => typeof item === "string")) {
    throw invalid(option, value, label, "a list of routing keys");
  }
  return items.map((item, i) => toName(item, `${option}[${i}]`, label, true));
}

function toArguments(value: unknown, option: string, label: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isTree(value))
    throw invalid(option, value, label, "a map of arguments (x-queue-type, x-max-priority…)");
  const normalized: Record<string, unknown> = { ...value };
  for (const key of INTEGER_ARGUMENTS) {
    if (!Object.hasOwn(normalized, key)) continue;
    const number = toOptionNumber(normalized[key]);
    if (!Number.isSafeInteger(number))
      throw invalid(`${option}[${key}]`, normalized[key], label, "a whole number");
    normalized[key] = number;
  }
  return normalized;
}

function optionalWhole(
  value: unknown,
  option: string,
  label: string,
  min: number,
  max: number,
): number | undefined {
  return value === undefined || value === ""
    ? undefined
    : parseWholeNumberOption(value, option, label, min, max);
}

/** Seconds as Symfony gives them (fractions allowed), returned in milliseconds. */
function secondsAsMs(value: unknown, option: string, label: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const seconds = toOptionNumber(value);
  if (!(Number.isFinite(seconds) && seconds > 0 && seconds <= 3_600)) {
    throw invalid(option, value, label, "a number of seconds > 0 and at most 3600");
  }
  return Math.round(seconds * 1000);
}

function readFile(value: unknown, option: string, label: string): Buffer | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw invalid(option, value, label, "the path of a PEM file");
  try {
    return readFileSync(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `Cannot read the file ${shown(value)} of option "${option}" of ${label}: ${(error as Error).message}`,
      { code: "INVALID_TRANSPORT_OPTION", cause: error },
    );
  }
}

/** The DSN's parts that the resolver needs besides its query. */
export interface DsnParts {
  readonly tls: boolean;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly vhost: string | undefined;
  readonly exchange: string | undefined;
}

/**
 * Merges the defaults, the options object and the DSN (query last, as Symfony's
 * `array_replace_recursive`), rejects unknown keys at every level, and checks every value.
 */
export function resolveAmqpOptions(
  label: string,
  dsn: DsnParts,
  query: Tree,
  options: Readonly<Tree>,
): ResolvedAmqpOptions {
  checkKeys(options, AMQP_OPTION_KEYS, "", label);
  checkKeys(query, AMQP_OPTION_KEYS, "", label);
  const fromDsn: Tree = {};
  if (dsn.host !== undefined) fromDsn.host = dsn.host;
  if (dsn.port !== undefined) fromDsn.port = dsn.port;
  if (dsn.vhost !== undefined) fromDsn.vhost = dsn.vhost;
  if (dsn.exchange !== undefined) fromDsn.exchange = { name: dsn.exchange };
  const merged = mergeOptions(mergeOptions(fromDsn, options as Tree), query);
  // The DSN's user info wins, as in Symfony (login is Symfony's name for the user).
  const user = dsn.user ?? merged.login ?? merged.user ?? "guest";
  const password = dsn.password ?? merged.password ?? "guest";

  const exchangeTree = checkKeys(merged.exchange, EXCHANGE_KEYS, "exchange", label);
  const exchangeName = toName(exchangeTree.name ?? "messages", "exchange[name]", label, true);
  const type = exchangeTree.type ?? "fanout";
  if (typeof type !== "string" || !EXCHANGE_TYPES.includes(type)) {
    throw invalid("exchange[type]", type, label, EXCHANGE_TYPES.join(", "));
  }
  const exchange: ResolvedExchange = {
    name: exchangeName,
    type,
    defaultPublishRoutingKey:
      exchangeTree.default_publish_routing_key === undefined
        ? undefined
        : toName(
            exchangeTree.default_publish_routing_key,
            "exchange[default_publish_routing_key]",
            label,
            true,
          ),
    flags: toFlags(exchangeTree.flags, "exchange[flags]", label, AMQP_FLAGS.DURABLE),
    arguments: toArguments(exchangeTree.arguments, "exchange[arguments]", label),
  };

  const queuesTree = merged.queues === undefined ? { [exchangeName]: {} } : merged.queues;
  if (!isTree(queuesTree) || Object.keys(queuesTree).length === 0) {
    throw invalid("queues", queuesTree, label, "a map of queue names to their options");
  }
  const queues = Object.entries(queuesTree).map(([name, value]): ResolvedQueue => {
    const at = `queues[${name}]`;
    const queue = checkKeys(value === "" || value === null ? {} : value, QUEUE_KEYS, at, label);
    return {
      name: toName(name, at, label),
      bindingKeys:
        queue.binding_keys === undefined
          ? undefined
          : toList(queue.binding_keys, `${at}[binding_keys]`, label),
      bindingArguments: toArguments(queue.binding_arguments, `${at}[binding_arguments]`, label),
      flags: toFlags(queue.flags, `${at}[flags]`, label, AMQP_FLAGS.DURABLE),
      arguments: toArguments(queue.arguments, `${at}[arguments]`, label),
    };
  });

  const delayTree = checkKeys(merged.delay, DELAY_KEYS, "delay", label);
  const delay = {
    exchangeName: toName(delayTree.exchange_name ?? "delays", "delay[exchange_name]", label),
    queueNamePattern: toName(
      delayTree.queue_name_pattern ?? "delay_%exchange_name%_%routing_key%_%delay%",
      "delay[queue_name_pattern]",
      label,
    ),
  };

  const tls = dsn.tls;
  // Accepted for Symfony's DSNs (php-amqp's pconnect: a connection that outlives a request); a
  // Node process keeps one connection per transport for as long as it lives, which is the same.
  parseBooleanOption(merged.persistent ?? false, "persistent", label);
  if (typeof user !== "string") throw invalid("login", user, label, "a user name");
  if (typeof password !== "string") throw invalid("password", "***", label, "a password");
  return {
    tls,
    host: toName(merged.host ?? "localhost", "host", label),
    port: parseWholeNumberOption(merged.port ?? (tls ? 5671 : 5672), "port", label, 1, 65_535),
    vhost: toName(merged.vhost ?? "/", "vhost", label),
    user,
    password,
    exchange,
    queues,
    delay,
    autoSetup: parseBooleanOption(merged.auto_setup ?? true, "auto_setup", label),
    prefetchCount: optionalWhole(merged.prefetch_count, "prefetch_count", label, 1, 65_535),
    deliveryLimit: parseDeliveryLimitOption(
      merged.delivery_limit ?? DEFAULT_DELIVERY_LIMIT,
      "delivery_limit",
      label,
    ),
    confirmTimeout: secondsAsMs(merged.confirm_timeout, "confirm_timeout", label, 10_000),
    connectTimeout: secondsAsMs(merged.connect_timeout, "connect_timeout", label, 5_000),
    heartbeat: optionalWhole(merged.heartbeat, "heartbeat", label, 0, 65_535),
    frameMax: optionalWhole(merged.frame_max, "frame_max", label, 4_096, 2 ** 31 - 1),
    channelMax: optionalWhole(merged.channel_max, "channel_max", label, 0, 65_535),
    connectionName:
      merged.connection_name === undefined
        ? undefined
        : toName(merged.connection_name, "connection_name", label),
    ca: tls ? readFile(merged.cacert, "cacert", label) : undefined,
    cert: tls ? readFile(merged.cert, "cert", label) : undefined,
    key: tls ? readFile(merged.key, "key", label) : undefined,
    verify: parseBooleanOption(merged.verify ?? true, "verify", label),
  };
}
