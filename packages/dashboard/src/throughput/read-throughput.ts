import {
  isThroughputStore,
  type Messenger,
  THROUGHPUT_BUCKET,
  type ThroughputBucket,
  throughputMinute,
} from "@messenger-ts/core";

/** The minutes the overview's chart shows: the current one and the 59 before it. */
export const CHART_MINUTES = 60;

/** One minute of the chart, summed over transports and workers. */
export interface ThroughputMinute {
  readonly minute: number;
  readonly handled: number;
  readonly failed: number;
}

/**
 * The last hour, minute by minute, summed over every transport whose backend keeps throughput
 * (each transport's counts read from its own store, so transports sharing a table or a Redis
 * prefix are not counted twice). Undefined when no transport keeps it (the in-memory one).
 */
export async function readLastHour(messenger: Messenger): Promise<ThroughputMinute[] | undefined> {
  const stores = messenger.transportNames.flatMap((name) => {
    const transport = messenger.getTransport(name);
    return isThroughputStore(transport) ? [{ name, store: transport }] : [];
  });
  if (stores.length === 0) return undefined;
  const last = throughputMinute(messenger.clock.now());
  const first = last - (CHART_MINUTES - 1) * THROUGHPUT_BUCKET;
  const results = await Promise.all(stores.map(({ name, store }) => store.readThroughput([name], first)));
  const byMinute = new Map<number, { handled: number; failed: number }>();
  for (let minute = first; minute <= last; minute += THROUGHPUT_BUCKET) {
    byMinute.set(minute, { handled: 0, failed: 0 });
  }
  for (const bucket of results.flat() as ThroughputBucket[]) {
    // A worker whose clock runs ahead may have written a minute past the reader's: not shown.
    const sum = byMinute.get(bucket.minute);
    if (sum === undefined) continue;
    sum.handled += bucket.handled;
    sum.failed += bucket.failed;
  }
  return [...byMinute].map(([minute, counts]) => ({ minute, ...counts }));
}
