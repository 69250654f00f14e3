import type { RedisConnection } from "./redis-connection.js";
import { script } from "./redis-scripts.js";

/**
 * Takes a lease of a shared concurrency limit when fewer than `limit` live ones exist, on the
 * Redis clock: one sorted set per limit, members the lease ids, scored by expiry (epoch ms).
 * Expired leases are dropped first. The key lives a second past its newest lease, so a limit
 * nobody uses any more leaves nothing behind.
 * KEYS: leases. ARGV: limit, lease id, ttl ms. Returns 1 when taken, 0 when every slot is held.
 */
const ACQUIRE_LEASE = script(
  "acquire-lease",
  1,
  `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local limit, ttl = tonumber(ARGV[1]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then return 0 end
redis.call('ZADD', KEYS[1], string.format('%d', now + ttl), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl + 1000)
return 1
`,
);

/**
 * Pushes the expiry of the leases still in the set (ZADD XX adds none back).
 * KEYS: leases. ARGV: ttl ms, then the lease ids.
 */
const RENEW_LEASES = script(
  "renew-leases",
  1,
  `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local ttl = tonumber(ARGV[1])
local expiry = string.format('%d', now + ttl)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expiry, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ttl + 1000)
return 0
`,
);

/**
 * The stores that coordinate workers next to the stream: the paused transports (a set shared by
 * every stream under the prefix, like the restart signal) and the shared concurrency limits'
 * leases (a sorted set per limit). Each operation is one command or one script: atomic.
 */
export class RedisWorkerControls {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
  }

  async pause(transportName: string): Promise<void> {
    await this.#connection.command("pause the transport", (client) =>
      client.sadd(this.#connection.keys.paused, transportName),
    );
  }

  async resume(transportName: string): Promise<void> {
    await this.#connection.command("resume the transport", (client) =>
      client.srem(this.#connection.keys.paused, transportName),
    );
  }

  pausedTransports(): Promise<string[]> {
    return this.#connection.command("read the paused transports", (client) =>
      client.smembers(this.#connection.keys.paused),
    );
  }

  async acquireLease(key: string, limit: number, leaseId: string, ttlMs: number): Promise<boolean> {
    const taken = await this.#connection.runScript(
      "take a concurrency lease",
      ACQUIRE_LEASE,
      [this.#leases(key)],
      [limit, leaseId, Math.ceil(ttlMs)],
    );
    return Number(taken) === 1;
  }

  async renewLeases(key: string, leaseIds: readonly string[], ttlMs: number): Promise<void> {
    if (leaseIds.length === 0) return;
    await this.#connection.runScript(
      "renew concurrency leases",
      RENEW_LEASES,
      [this.#leases(key)],
      [Math.ceil(ttlMs), ...leaseIds],
    );
  }

  async releaseLease(key: string, leaseId: string): Promise<void> {
    await this.#connection.command("release a concurrency lease", (client) =>
      client.zrem(this.#leases(key), leaseId),
    );
  }

  #leases(key: string): string {
    return `${this.#connection.keys.leasePrefix}${encodeURIComponent(key)}`;
  }
}
