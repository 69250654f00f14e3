import type { TransportOperation } from "./events/worker-transport-failed-event.js";

interface Outage {
  readonly since: number;
  reportedAt: number;
  failures: number;
}

/** What one failed attempt means: report it now or not, and how long the outage has lasted. */
export interface OutageFailure {
  readonly report: boolean;
  readonly downFor: number;
  readonly failures: number;
}

/**
 * The worker's memory of failing transports, per transport and operation (receiving and
 * acknowledging fail for different reasons: a transport whose reads work while its acks fail is
 * still down for what matters). An outage starts at the first failure and ends at the next
 * success of the same operation. Reports are throttled: the first failure, then one reminder per
 * `reportInterval`, whatever the retry rate.
 */
export class TransportOutages {
  readonly #outages = new Map<string, Outage>();

  constructor(private readonly reportInterval: number) {}

  failed(transportName: string, operation: TransportOperation, now: number): OutageFailure {
    const key = `${operation}\u0000${transportName}`;
    const outage = this.#outages.get(key);
    if (!outage) {
      this.#outages.set(key, { since: now, reportedAt: now, failures: 1 });
      return { report: true, downFor: 0, failures: 1 };
    }
    outage.failures++;
    const report = now - outage.reportedAt >= this.reportInterval;
    if (report) outage.reportedAt = now;
    return { report, downFor: now - outage.since, failures: outage.failures };
  }

  /** Ends an outage; returns how long it lasted, or undefined when there was none. */
  succeeded(transportName: string, operation: TransportOperation, now: number): number | undefined {
    // Called after every successful fetch and acknowledgement: nothing to build when all is well.
    if (this.#outages.size === 0) return undefined;
    const key = `${operation}\u0000${transportName}`;
    const outage = this.#outages.get(key);
    if (!outage) return undefined;
    this.#outages.delete(key);
    return now - outage.since;
  }
}
