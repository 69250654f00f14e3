import {
  type Clock,
  isMessageCountAware,
  isStoredMessageCountAware,
  type Logger,
  type Messenger,
} from "@messenger-ts/core";
import type { Attributes, Meter, ObservableGauge, ObservableResult } from "@opentelemetry/api";
import { CachedCount } from "./cached-count.js";
import { ATTRIBUTE, METRIC } from "./metric-names.js";

export interface TransportGaugesOptions {
  readonly ttl: number;
  readonly timeout: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface GaugedCount {
  readonly gauge: ObservableGauge;
  readonly attributes: Attributes;
  readonly count: CachedCount;
}

/**
 * Queue depth (`getMessageCount`, what a worker could receive now) of every transport that can
 * count, and the size of every failure transport (`getStoredMessageCount`, delayed and claimed
 * messages included, as `messenger:failed:show` lists them; `getMessageCount` for a failure
 * transport that cannot count those). Each count is cached (`CachedCount`).
 */
export function observeTransportCounts(
  meter: Meter,
  messenger: Messenger,
  options: TransportGaugesOptions,
): () => void {
  const queueDepth = meter.createObservableGauge(METRIC.queueDepth, {
    description: "Messages waiting in a transport, ready to be received (approximate).",
    unit: "{message}",
  });
  const failureSize = meter.createObservableGauge(METRIC.failureTransportSize, {
    description: "Messages stored in a failure transport, delayed and claimed ones included.",
    unit: "{message}",
  });
  const failureNames = new Set(messenger.failureTransportNames);
  const counts: GaugedCount[] = [];
  for (const name of messenger.transportNames) {
    const transport = messenger.getTransport(name);
    const cached = (metric: string, count: () => Promise<number>) =>
      new CachedCount({ ...options, count, context: { metric, transport: name } });
    const attributes = { [ATTRIBUTE.transport]: name };
    if (failureNames.has(name)) {
      // A failure transport's size counts what waits to be retried later too, when it can.
      const count = isStoredMessageCountAware(transport)
        ? () => transport.getStoredMessageCount()
        : isMessageCountAware(transport)
          ? () => transport.getMessageCount()
          : undefined;
      if (count) {
        counts.push({
          gauge: failureSize,
          attributes,
          count: cached(METRIC.failureTransportSize, count),
        });
      }
    } else if (isMessageCountAware(transport)) {
      counts.push({
        gauge: queueDepth,
        attributes,
        count: cached(METRIC.queueDepth, () => transport.getMessageCount()),
      });
    }
  }
  const observe = async (gauge: ObservableGauge, result: ObservableResult) => {
    // In parallel: the scrape waits for the slowest count (bounded by the timeout), not their sum.
    await Promise.all(
      counts
        .filter((c) => c.gauge === gauge)
        .map(async ({ attributes, count }) => {
          const value = await count.read();
          if (value !== undefined) result.observe(value, attributes);
        }),
    );
  };
  const onQueueDepth = (result: ObservableResult) => observe(queueDepth, result);
  const onFailureSize = (result: ObservableResult) => observe(failureSize, result);
  queueDepth.addCallback(onQueueDepth);
  failureSize.addCallback(onFailureSize);
  return () => {
    queueDepth.removeCallback(onQueueDepth);
    failureSize.removeCallback(onFailureSize);
  };
}
