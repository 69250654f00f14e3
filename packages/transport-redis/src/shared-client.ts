import { hostname } from "node:os";
import type { Logger } from "@messenger-ts/core";
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from "ioredis";

/** Where to connect: one node (directly, through a unix socket, or found through Sentinel), or a Cluster. */
export type RedisClientConfig =
  | { readonly mode: "standalone"; readonly options: RedisOptions }
  | { readonly mode: "cluster"; readonly nodes: readonly ClusterNode[]; readonly options?: ClusterOptions };

export type RedisClient = Redis | Cluster;

/** After this many failed reconnection attempts in a row, queued commands fail (then again every 4). */
export const MAX_RETRIES_PER_REQUEST = 3;
/** A command without a reply after this long fails: Redis hung, or unreachable and still connecting. */
export const COMMAND_TIMEOUT_MS = 10_000;
export const CONNECT_TIMEOUT_MS = 5_000;

/** Reconnects forever: 50 ms, doubling to 1 s, plus jitter so that many workers do not stampede. */
export function reconnectDelay(times: number): number {
  return Math.min(50 * 2 ** Math.max(0, times - 1), 1_000) + Math.floor(Math.random() * 50);
}

/** How this process names its connections in `CLIENT LIST`. */
export const PROCESS_CONNECTION_NAME = `messenger-ts:${hostname().replace(/[^A-Za-z0-9_.-]/g, "_")}-${process.pid}`;

/**
 * The settings every transport connection uses unless the configuration says otherwise. Commands
 * issued while the connection is down wait in ioredis's offline queue and go out on reconnect
 * (so a killed connection loses nothing); when Redis stays down they fail after
 * {@link MAX_RETRIES_PER_REQUEST} reconnection attempts, and any command fails after
 * {@link COMMAND_TIMEOUT_MS}: a producer gets a TransportError instead of hanging.
 */
const COMMAND_DEFAULTS: RedisOptions = {
  lazyConnect: true,
  maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: CONNECT_TIMEOUT_MS,
  retryStrategy: reconnectDelay,
  // Batching is explicit (acks per tick, bulk sends in one script); auto-pipelining would add an
  // event-loop turn to every command, which costs more latency than it saves round trips here.
  enableAutoPipelining: false,
};

/**
 * A blocking connection's settings: no command timeout (a BZPOPMIN waits on purpose), commands
 * wait for the reconnect however long it takes, and ioredis's client-side guard resolves a
 * blocking call whose socket died silently.
 */
const BLOCKING_OVERRIDES: RedisOptions = {
  lazyConnect: true,
  maxRetriesPerRequest: null,
  commandTimeout: undefined,
  enableAutoPipelining: false,
  blockingTimeout: 60_000,
  blockingTimeoutGrace: 2_000,
};

interface Shared {
  readonly client: RedisClient;
  refs: number;
  readonly reconnected: Set<() => void>;
}

const shared = new Map<string, Shared>();
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;

/** A stable text for a configuration: equal settings share one client; functions by identity. */
function keyOf(config: RedisClientConfig): string {
  return JSON.stringify(config, (_key, value) => {
    if (typeof value !== "function") return value;
    let id = functionIds.get(value);
    if (id === undefined) {
      id = ++nextFunctionId;
      functionIds.set(value, id);
    }
    return `function#${id}`;
  });
}

function createClient(config: RedisClientConfig, overrides: RedisOptions, name: string): RedisClient {
  if (config.mode === "cluster") {
    const options = config.options ?? {};
    return new Cluster([...config.nodes], {
      lazyConnect: true,
      clusterRetryStrategy: reconnectDelay,
      enableAutoPipelining: overrides.enableAutoPipelining,
      ...options,
      redisOptions: {
        ...COMMAND_DEFAULTS,
        ...options.redisOptions,
        ...overrides,
        connectionName: name,
      },
    });
  }
  return new Redis({ ...COMMAND_DEFAULTS, ...config.options, ...overrides, connectionName: name });
}

/** Redis's replies when it refuses credentials: a wrong password or user (WRONGPASS, or "invalid password" before Redis 6), none given (NOAUTH). */
const AUTHENTICATION_REFUSED = /^(WRONGPASS|NOAUTH)\b|^ERR invalid (username-)?password/;

/** Whether a driver error is the server refusing the connection's credentials. */
export function isAuthenticationError(error: unknown): boolean {
  return AUTHENTICATION_REFUSED.test(String((error as Error | undefined)?.message ?? ""));
}

/** What each client last knew of its connection. */
interface ConnectionState {
  /** It was ready once: it has connected before (so a slow first connect is not an outage). */
  connected: boolean;
  /** The last connection error of the outage in progress (cleared when ready). */
  lastError: Error | undefined;
  /** Redis refused the credentials: the client stopped reconnecting (see reopen()). */
  refused: Error | undefined;
  /** The refusal was logged: once until the connection works again, not once per command. */
  refusalLogged: boolean;
}

const states = new WeakMap<RedisClient, ConnectionState>();

function stateOf(client: RedisClient): ConnectionState {
  let state = states.get(client);
  if (!state) {
    state = { connected: false, lastError: undefined, refused: undefined, refusalLogged: false };
    states.set(client, state);
  }
  return state;
}

/** The credentials error that stopped this client, if that is why it is closed. */
export function refusedCredentials(client: RedisClient): Error | undefined {
  return states.get(client)?.refused;
}

/**
 * A client that stopped after Redis refused its credentials tries once more, for the command about
 * to be issued (the credentials may have been fixed on the server): one attempt per command, never
 * a reconnection loop. Other clients are left alone.
 */
export function reopen(client: RedisClient): void {
  const state = states.get(client);
  if (state?.refused === undefined || client.status !== "end") return;
  state.refused = undefined;
  client.connect().catch(() => undefined);
}

/** Milliseconds a producer's command waits for a lost connection to come back before it fails. */
export const OUTAGE_WAIT_MS = 500;

/**
 * Resolves once the client is connected. While the connection is lost (Redis down or unreachable)
 * it waits at most {@link OUTAGE_WAIT_MS}, so that a producer fails fast instead of queueing its
 * command behind reconnection attempts; the first connection attempt of a client gets up to its
 * connect timeout (a slow TLS handshake is no outage) and fails with its error. A refusal of the
 * credentials fails at once. Nothing is queued: a command that failed here never goes out.
 */
export function whenConnected(client: RedisClient): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  // Concurrent calls share one wait: a burst of sends adds three listeners, not three per send.
  let wait = connectionWaits.get(client);
  if (!wait) {
    wait = waitForConnection(client).finally(() => connectionWaits.delete(client));
    connectionWaits.set(client, wait);
  }
  return wait;
}

const connectionWaits = new WeakMap<RedisClient, Promise<void>>();

function waitForConnection(client: RedisClient): Promise<void> {
  reopen(client);
  if (client.status === "wait") client.connect().catch(() => undefined);
  const state = stateOf(client);
  return new Promise((resolve, reject) => {
    // A first connection attempt in progress gets its connect timeout, but fails with its error.
    const first = !state.connected && client.status !== "reconnecting";
    const limit = first ? CONNECT_TIMEOUT_MS : OUTAGE_WAIT_MS;
    const cleanup = () => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("error", onError);
      client.off("end", onEnd);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      const refused = isAuthenticationError(error);
      if (!first && !refused) return;
      cleanup();
      reject(refused ? error : unreachable(error.message));
    };
    const onEnd = () => {
      cleanup();
      reject(state.refused ?? new Error("Connection is closed."));
    };
    const timer = setTimeout(() => {
      cleanup();
      const cause = state.lastError?.message;
      reject(unreachable(`no connection within ${limit / 1000} s${cause ? `: ${cause}` : ""}`));
    }, limit);
    client.on("ready", onReady);
    client.on("error", onError);
    client.on("end", onEnd);
  });
}

function unreachable(why: string): UnreachableError {
  return new UnreachableError(`Redis is unreachable (${why}; it keeps reconnecting in the background)`);
}

/** whenConnected() gave up: its message is the reason as errors show it. */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
}

/**
 * Reports connection trouble once per outage (ioredis emits an error per reconnection attempt),
 * then once when the connection is back. Without an 'error' listener ioredis prints to stderr.
 * When Redis refuses the credentials, the client stops at once instead of reconnecting forever:
 * the command that connected fails with the refusal, and so does every later one (see reopen()).
 */
function watch(client: RedisClient, logger: Logger, what: string, onReconnect?: () => void): void {
  let troubled = false;
  let lost = false;
  const state = stateOf(client);
  client.on("error", (error: Error) => {
    state.lastError = error;
    if (isAuthenticationError(error)) {
      state.refused = error;
      if (!state.refusalLogged) {
        state.refusalLogged = true;
        logger.error(
          { error: error.message },
          `Redis ${what} refused: wrong or missing credentials (the user and password of the DSN); not reconnecting`,
        );
      }
      client.disconnect();
      return;
    }
    if (troubled) return;
    troubled = true;
    logger.warn({ error: error.message }, `Redis ${what} failed; reconnecting`);
  });
  client.on("close", () => {
    lost = true;
  });
  client.on("ready", () => {
    state.connected = true;
    state.lastError = undefined;
    state.refusalLogged = false;
    if (troubled) logger.info({}, `Redis ${what} is back`);
    troubled = false;
    if (lost) {
      lost = false;
      onReconnect?.();
    }
  });
}

/** The command client for a configuration, shared by every transport of the process that uses it. */
export function acquireClient(config: RedisClientConfig, logger: Logger): Shared {
  const key = keyOf(config);
  let entry = shared.get(key);
  if (!entry) {
    const client = createClient(config, {}, PROCESS_CONNECTION_NAME);
    const created: Shared = { client, refs: 0, reconnected: new Set() };
    watch(client, logger, "connection", () => {
      for (const listener of [...created.reconnected]) listener();
    });
    shared.set(key, created);
    entry = created;
  }
  entry.refs++;
  return entry;
}

/** Gives a shared client back; the last user closes it (QUIT, after the commands in flight). */
export async function releaseClient(entry: Shared): Promise<void> {
  entry.refs--;
  if (entry.refs > 0) return;
  for (const [key, value] of shared) if (value === entry) shared.delete(key);
  await quit(entry.client);
}

/** A connection of its own for blocking reads, which would stall every command queued behind them. */
export function createBlockingClient(config: RedisClientConfig, logger: Logger, name: string): RedisClient {
  const client = createClient(config, BLOCKING_OVERRIDES, name);
  watch(client, logger, "blocking connection");
  return client;
}

/** QUIT when connected (commands in flight get their replies first); otherwise just drop the socket. */
export async function quit(client: RedisClient): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
