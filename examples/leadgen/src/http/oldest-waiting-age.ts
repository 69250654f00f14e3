import type { Transport } from "@messenger-ts/core";
import { PostgresTransport } from "@messenger-ts/transport-postgres";
import { RedisReceivedStamp, RedisTransport } from "@messenger-ts/transport-redis";
import { SqliteTransport } from "@messenger-ts/transport-sqlite";
import type { DomainStore } from "../store/domain-store.js";
import { PostgresDomainStore } from "../store/postgres-domain-store.js";

/**
 * How long the oldest message that a worker could take right now has been waiting, in
 * milliseconds: 0 or more, null when none is waiting, undefined when the transport cannot tell.
 *
 * No transport contract exposes this: the envelopes that `all()` lists carry no time of sending
 * (SentStamp stays in the sending process), so each backend is asked in its own terms:
 *
 * - SQLite and PostgreSQL: one query on the queue table, the same condition the claim uses (due,
 *   and not claimed or claimed longer ago than the redelivery timeout), measured from
 *   `available_at`, so a retry counts from when its delay ended, not from its first dispatch. The
 *   SQLite query runs on the transport's own handle; PostgreSQL's on the domain store's pool,
 *   which is the same database when the queues are `doctrine://default` (the seed's set-up).
 * - Redis: the oldest entry the stream still holds (`all(1)`), whose id is its time of arrival in
 *   milliseconds; a delayed message enters the stream when due. The stream does not tell a
 *   message being handled from one waiting, so a long handler counts as waiting.
 */
export async function oldestWaitingAge(
  transport: Transport,
  now: number,
  /** The domain store, when the queues live in its database (`doctrine://default`). */
  sharedStore?: DomainStore,
): Promise<number | null | undefined> {
  if (transport instanceof SqliteTransport) {
    const row = transport.database
      .prepare(
        `SELECT MIN(available_at) AS since FROM "${transport.tableName}"
         WHERE queue_name = ? AND available_at <= ? AND (delivered_at IS NULL OR delivered_at < ?)`,
      )
      .get(transport.queueName, now, now - transport.redeliveryTimeout) as
      | { since: number | null }
      | undefined;
    return row?.since == null ? null : Math.max(0, now - row.since);
  }
  if (transport instanceof PostgresTransport) {
    if (!(sharedStore instanceof PostgresDomainStore)) return undefined;
    const { rows } = await sharedStore.pool.query<{ age: number | null }>(
      `SELECT (EXTRACT(EPOCH FROM now() - MIN(available_at)) * 1000)::float8 AS age
       FROM "${transport.schema}"."${transport.tableName}"
       WHERE queue_name = $1 AND available_at <= now()
         AND (delivered_at IS NULL OR delivered_at < now() - make_interval(secs => $2::float8))`,
      [transport.queueName, transport.redeliveryTimeout / 1000],
    );
    const age = rows[0]?.age;
    return age == null ? null : Math.max(0, Math.round(age));
  }
  if (transport instanceof RedisTransport) {
    const [oldest] = await transport.all(1);
    const stamp = oldest?.last(RedisReceivedStamp);
    if (stamp?.location !== "stream") return null;
    return Math.max(0, now - Number(stamp.id.split("-")[0]));
  }
  return undefined;
}
