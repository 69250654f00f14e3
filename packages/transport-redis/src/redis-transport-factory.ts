import {
  InvalidArgumentError,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { redactDsn } from "@messenger-ts/core/transport";
import type { ClusterNode, RedisOptions } from "ioredis";
import { type ResolvedRedisOptions, resolveRedisOptions } from "./redis-options.js";
import { RedisTransport } from "./redis-transport.js";

/** A `redis://` or `rediss://` DSN taken apart. */
export interface RedisDsn {
  readonly tls: boolean;
  readonly user: string | null;
  readonly password: string | null;
  /** One node, the sentinels (with `sentinel_master`), or Cluster seed nodes; empty for a unix socket. */
  readonly hosts: readonly { readonly host: string; readonly port: number }[];
  /** The unix socket path of `redis:///path/to/redis.sock`. */
  readonly socket: string | null;
  /** The query, plus `stream`, `group` and `consumer` from the path segments. */
  readonly query: Readonly<Record<string, string>>;
}

const FORMS =
  "redis[s]://[user:password@]host[:port][/stream[/group[/consumer]]][?options], redis[s]://host1:port1,host2:port2/... (Cluster, or Sentinel with sentinel_master) or redis:///path/to/redis.sock?stream=... (unix socket)";
const PATH_OPTIONS = ["stream", "group", "consumer"] as const;

function invalidDsn(dsn: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`Invalid Redis DSN "${redactDsn(dsn)}": ${why}; expected ${FORMS}.`, {
    code: "INVALID_DSN",
  });
}

function decode(dsn: string, text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidDsn(dsn, `its ${what} holds a bad percent-escape`);
  }
}

/**
 * Parses a Redis DSN by hand: several hosts, a unix socket path and Symfony's `redis://password@host`
 * (a user part without `:` is the password) are beyond URL parsing. Percent-escapes are decoded;
 * a password holding `?` must be percent-encoded.
 */
export function parseRedisDsn(dsn: string): RedisDsn {
  const match = /^(rediss?):\/\/([^#]*)$/is.exec(typeof dsn === "string" ? dsn : "");
  if (!match) throw invalidDsn(String(dsn), "not a redis:// or rediss:// DSN");
  const tls = match[1]!.toLowerCase() === "rediss";
  const rest = match[2]!;
  const queryAt = rest.indexOf("?");
  const main = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const at = main.lastIndexOf("@");
  const userinfo = at === -1 ? null : main.slice(0, at);
  const location = main.slice(at + 1);
  let user: string | null = null;
  let password: string | null = null;
  if (userinfo !== null) {
    const colon = userinfo.indexOf(":");
    if (colon === -1) password = decode(dsn, userinfo, "password");
    else {
      user = decode(dsn, userinfo.slice(0, colon), "user") || null;
      password = decode(dsn, userinfo.slice(colon + 1), "password");
    }
    // Redis 6 ACLs: "default" is the user a bare password authenticates as (Symfony drops it too).
    if (user === "default") user = null;
    if (password === "") password = null;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(queryAt === -1 ? "" : rest.slice(queryAt + 1))) {
    if (Object.hasOwn(query, key)) throw invalidDsn(dsn, `option "${key}" is given twice`);
    query[key] = value;
  }
  if (location.startsWith("/")) {
    const socket = decode(dsn, location, "socket path");
    if (socket === "/" || socket.endsWith("/")) throw invalidDsn(dsn, "the socket path is missing");
    return { tls, user, password, hosts: [], socket, query };
  }
  const slash = location.indexOf("/");
  const authority = slash === -1 ? location : location.slice(0, slash);
  const segments = slash === -1 ? [] : location.slice(slash + 1).split("/");
  if (segments.at(-1) === "") segments.pop();
  if (segments.length > PATH_OPTIONS.length)
    throw invalidDsn(dsn, "its path has more than stream/group/consumer");
  segments.forEach((segment, i) => {
    const option = PATH_OPTIONS[i]!;
    if (Object.hasOwn(query, option)) throw invalidDsn(dsn, `"${option}" is given in the path and the query`);
    query[option] = decode(dsn, segment, option);
  });
  const hosts = authority === "" ? [] : authority.split(",").map((part) => parseHost(dsn, part));
  return { tls, user, password, hosts, socket: null, query };
}

function parseHost(dsn: string, text: string): { host: string; port: number } {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  const port = match?.[2] === undefined ? 6379 : Number(match[2]);
  if (!match || port < 1 || port > 65_535) throw invalidDsn(dsn, `"${text}" is not a host[:port]`);
  return { host: decode(dsn, match[1]!.replace(/^\[|\]$/g, ""), "host"), port };
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}

/**
 * Builds {@link RedisTransport}s from `redis://` and `rediss://` DSNs. Options come from the DSN
 * (path and query), then the options object, then the defaults; an unknown key is an error listing
 * the allowed ones, and a bad value an error naming it. Nothing connects here: connections open on
 * first use.
 */
export class RedisTransportFactory implements TransportFactory {
  readonly schemes = ["redis", "rediss"] as const;

  supports(dsn: string): boolean {
    return typeof dsn === "string" && /^rediss?:\/\//i.test(dsn);
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): RedisTransport {
    const parsed = parseRedisDsn(dsn);
    const label = `transport "${context.name}"`;
    const resolved = resolveRedisOptions(`${label} (${redactDsn(dsn)})`, parsed.query, options);
    const cluster = resolved.cluster || (parsed.hosts.length > 1 && resolved.sentinelMaster === undefined);
    if (parsed.socket && (cluster || resolved.sentinelMaster)) {
      throw invalidDsn(dsn, "a unix socket cannot be combined with Cluster or Sentinel");
    }
    if (cluster && resolved.dbindex !== 0) {
      throw invalidDsn(dsn, "Redis Cluster has only database 0 (dbindex)");
    }
    const hosts =
      parsed.hosts.length > 0 || parsed.socket ? parsed.hosts : [{ host: "127.0.0.1", port: 6379 }];
    return new RedisTransport({
      ...(cluster
        ? {
            cluster: {
              nodes: hosts as ClusterNode[],
              options: { redisOptions: nodeOptions(parsed, resolved) },
            },
          }
        : { connection: connectionOptions(parsed, hosts, resolved) }),
      serializer: context.serializer,
      stream: resolved.stream,
      group: resolved.group,
      consumer: resolved.consumer,
      prefix: resolved.prefix,
      autoSetup: resolved.autoSetup,
      deleteAfterAck: resolved.deleteAfterAck,
      deleteAfterReject: resolved.deleteAfterReject,
      streamMaxEntries: resolved.streamMaxEntries,
      redeliveryTimeout: resolved.redeliveryTimeout,
      claimInterval: resolved.claimInterval,
      deliveryLimit: resolved.deliveryLimit,
      symfony: resolved.symfony,
      name: context.name,
      target: targetOf(parsed, hosts, resolved, cluster),
      logger: context.logger,
    });
  }
}

/** What every connection to a node takes: credentials, database, TLS. */
function nodeOptions(dsn: RedisDsn, resolved: ResolvedRedisOptions): RedisOptions {
  const first = dsn.hosts[0]?.host;
  return {
    ...(dsn.user === null ? {} : { username: dsn.user }),
    ...(dsn.password === null ? {} : { password: dsn.password }),
    db: resolved.dbindex,
    ...(dsn.tls ? { tls: first && !isIp(first) ? { servername: first } : {} } : {}),
  };
}

function connectionOptions(
  dsn: RedisDsn,
  hosts: RedisDsn["hosts"],
  resolved: ResolvedRedisOptions,
): RedisOptions {
  const node = nodeOptions(dsn, resolved);
  if (dsn.socket) return { ...node, path: dsn.socket };
  if (resolved.sentinelMaster !== undefined) {
    const sentinels = hosts.map((h) => ({ host: h.host, port: h.port }));
    return { ...node, sentinels, name: resolved.sentinelMaster, enableTLSForSentinelMode: dsn.tls };
  }
  return { ...node, host: hosts[0]!.host, port: hosts[0]!.port };
}

function targetOf(
  dsn: RedisDsn,
  hosts: RedisDsn["hosts"],
  resolved: ResolvedRedisOptions,
  cluster: boolean,
): string {
  const list = hosts.map((h) => (h.host.includes(":") ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`));
  if (dsn.socket) return `${dsn.socket}/${resolved.dbindex}`;
  if (cluster) return `cluster ${list.join(",")}`;
  if (resolved.sentinelMaster !== undefined) {
    return `sentinel master "${resolved.sentinelMaster}" via ${list.join(",")}/${resolved.dbindex}`;
  }
  return `${list[0]}/${resolved.dbindex}`;
}
