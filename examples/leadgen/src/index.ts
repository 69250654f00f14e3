// Must run before any decorated class is evaluated: tsyringe reads design-time metadata through it.
import "reflect-metadata";

export { createLeadgenApp } from "./app/create-leadgen-app.js";
export { type DatabaseTarget, resolveDatabaseTarget } from "./app/database-target.js";
export type { LeadgenApp } from "./app/leadgen-app.js";
export {
  DEFAULT_DISCOVERY_BATCHES,
  DEFAULT_DISCOVERY_CRON,
  DEFAULT_LATENCY_MS,
  DEFAULT_SQLITE_PATH,
  DEFAULT_TIMEZONE,
  DEFAULT_TRANSPORT_DSN,
  type LeadgenOptions,
  parseDiscoveryBatches,
  resolveLeadgenSettings,
} from "./app/leadgen-options.js";
export type { DiscoveryBatch, LeadgenSettings } from "./app/leadgen-settings.js";
export { CLOCK, DOMAIN_STORE, LEADGEN_SETTINGS, LOGGER } from "./app/tokens.js";
export {
  FAILURE_TRANSPORT,
  leadgenMessengerConfig,
  PRIORITY_ORDER,
  QUEUES,
  type QueueTransport,
  queueTransport,
  RETRY_STRATEGIES,
  ROUTING,
} from "./config/messenger.js";
export {
  buildLeadgenSchedule,
  CERTIFICATE_WARN_DAYS,
  DATA_RETENTION_DAYS,
  SCHEDULE_CRONS,
  SCHEDULE_NAME,
  SCHEDULE_TRANSPORT,
} from "./config/schedule.js";
export {
  BENCHMARK_PERIODS,
  type BenchmarkPeriod,
  lastCompletePeriod,
  type PeriodWindow,
} from "./domain/benchmark-period.js";
export { DISCOVERY_SOURCES, type DiscoverySource, MAX_DISCOVERY_LIMIT } from "./domain/discovery-sources.js";
export { ARES_OUTAGE_ICO, icoCheckDigit, isValidIco } from "./domain/ico.js";
export { LeadgenError } from "./domain/leadgen-error.js";
export { PermanentFailureError } from "./domain/permanent-failure-error.js";
export type { SesNotification } from "./domain/ses-notification.js";
export { TransientFailureError } from "./domain/transient-failure-error.js";
export { FIXTURE_COMPANIES, FIXTURE_LEADS, FIXTURE_USERS } from "./fixtures/fixture-data.js";
export { type LoadedFixtures, loadFixtures } from "./fixtures/load-fixtures.js";
export * from "./handlers/index.js";
export * from "./messages/index.js";
export * from "./services/index.js";
export { EXTERNAL_SYSTEMS, type ExternalSystem } from "./services/outage-simulator.js";
export type * from "./store/domain-store.js";
export { openDomainStore } from "./store/open-domain-store.js";
export { PostgresDomainStore } from "./store/postgres-domain-store.js";
export * from "./store/records.js";
export { SqliteDomainStore } from "./store/sqlite-domain-store.js";
