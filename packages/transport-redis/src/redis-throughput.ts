import { compareThroughputBuckets, THROUGHPUT_RETENTION, type ThroughputBucket } from "@messenger-ts/core";
import type { RedisClient } from "./shared-client.js";

/**
 * Worker throughput in Redis: one hash per minute, `<prefix>messenger:throughput:<minute>`, whose
 * fields `h:<transport>` and `f:<transport>` count the messages handled and failed; it expires
 * {@link THROUGHPUT_RETENTION} after its minute, so Redis does the cleanup. One key per minute
 * keeps every write to a key in one slot (a MULTI on Cluster too).
 */
function throughputKey(keyPrefix: string, minute: number): string {
  return `${keyPrefix}${minute}`;
}

/**
 * Adds the counts, one MULTI per minute's key (HINCRBY and PEXPIREAT). Minutes are written in
 * order; a failure between two keys leaves the earlier ones counted, and the caller's retry
 * counts them again: at most one beat's share, in the rare beat that spans two minutes.
 */
export async function recordThroughput(
  client: RedisClient,
  keyPrefix: string,
  buckets: readonly ThroughputBucket[],
): Promise<void> {
  const byMinute = new Map<number, ThroughputBucket[]>();
  for (const bucket of buckets) {
    const list = byMinute.get(bucket.minute);
    if (list === undefined) byMinute.set(bucket.minute, [bucket]);
    else list.push(bucket);
  }
  for (const [minute, list] of [...byMinute].sort(([a], [b]) => a - b)) {
    const key = throughputKey(keyPrefix, minute);
    const multi = client.multi();
    for (const bucket of list) {
      if (bucket.handled > 0) multi.hincrby(key, `h:${bucket.transport}`, bucket.handled);
      if (bucket.failed > 0) multi.hincrby(key, `f:${bucket.transport}`, bucket.failed);
    }
    multi.pexpireat(key, minute + THROUGHPUT_RETENTION);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (results === null || failed) throw failed ?? new Error("The MULTI was discarded.");
  }
}

/** The counts of these transports in each minute from `since` to `now`; a missing key counts none. */
export async function readThroughput(
  client: RedisClient,
  keyPrefix: string,
  transports: readonly string[],
  since: number,
  now: number,
): Promise<ThroughputBucket[]> {
  if (transports.length === 0) return [];
  const first = Math.ceil(Math.max(since, now - THROUGHPUT_RETENTION) / 60_000) * 60_000;
  const minutes: number[] = [];
  for (let minute = first; minute <= now; minute += 60_000) minutes.push(minute);
  const fields = transports.flatMap((transport) => [`h:${transport}`, `f:${transport}`]);
  const values = await Promise.all(
    minutes.map((minute) => client.hmget(throughputKey(keyPrefix, minute), ...fields)),
  );
  const buckets: ThroughputBucket[] = [];
  transports.forEach((transport, t) => {
    minutes.forEach((minute, m) => {
      const handled = Number(values[m]![2 * t] ?? 0);
      const failed = Number(values[m]![2 * t + 1] ?? 0);
      if (handled > 0 || failed > 0) buckets.push({ transport, minute, handled, failed });
    });
  });
  return buckets.sort(compareThroughputBuckets);
}
