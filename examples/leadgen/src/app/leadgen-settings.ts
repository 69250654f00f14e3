import type { DatabaseTarget } from "./database-target.js";

/** One batch of the scheduled discovery: a `DiscoverLeadsMessage` sent on every run. */
export interface DiscoveryBatch {
  readonly source: string;
  readonly query: string;
  readonly limit: number;
}

/** The options after environment variables and defaults: what the application runs with. */
export interface LeadgenSettings {
  readonly database: DatabaseTarget;
  /** The DSN the queues are built from (`doctrine://default`, `redis://...`, `in-memory://`). */
  readonly transportDsn: string;
  /** The queues are shared with the seed's Symfony application (Symfony's layout and serializer). */
  readonly symfony: boolean;
  /** Base of the simulated latency of the outside world, in milliseconds. */
  readonly latencyMs: number;
  /** Multiplies every retry delay of the retry strategies (1: the seed's delays). */
  readonly retryDelayScale: number;
  /** Cron expression of the batch discovery, or null when it is switched off. */
  readonly discoveryCron: string | null;
  readonly discoveryBatches: readonly DiscoveryBatch[];
  /** IANA time zone the schedule's cron expressions are read in. */
  readonly timezone: string;
}
