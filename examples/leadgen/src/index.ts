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
export { leadgenCommands } from "./console/leadgen-commands.js";
export { createLeadgenConsole, type LeadgenConsoleOptions } from "./console/leadgen-console.js";
export {
  BENCHMARK_PERIODS,
  type BenchmarkPeriod,
  lastCompletePeriod,
  type PeriodWindow,
} from "./domain/benchmark-period.js";
export { DISCOVERY_SOURCES, type DiscoverySource, MAX_DISCOVERY_LIMIT } from "./domain/discovery-sources.js";
export { ARES_OUTAGE_ICO, icoCheckDigit, isValidIco } from "./domain/ico.js";
export { LeadgenError } from "./domain/leadgen-error.js";
export { type LeadgenErrorCode, LeadgenErrorCodes } from "./domain/leadgen-error-codes.js";
export { PermanentFailureError } from "./domain/permanent-failure-error.js";
export type { SesNotification } from "./domain/ses-notification.js";
export { TransientFailureError } from "./domain/transient-failure-error.js";
export { FIXTURE_COMPANIES, FIXTURE_LEADS, FIXTURE_USERS } from "./fixtures/fixture-data.js";
export { type LoadedFixtures, loadFixtures } from "./fixtures/load-fixtures.js";
export * from "./handlers/index.js";
export {
  DEFAULT_HEALTH_THRESHOLDS,
  HEALTH_THRESHOLD_VARIABLES,
  type HealthThresholds,
  resolveHealthThresholds,
} from "./http/health-thresholds.js";
export { HttpError } from "./http/http-error.js";
export {
  createLeadgenServer,
  type LeadgenServerOptions,
  type RequestLogEntry,
} from "./http/leadgen-server.js";
export { oldestWaitingAge } from "./http/oldest-waiting-age.js";
export { type ProposalRequest, parseProposalRequest } from "./http/proposal-request.js";
export { checkQueueHealth, type HealthReport, type QueueHealth } from "./http/queue-health.js";
export { parseSesWebhook } from "./http/ses-webhook-payload.js";
export * from "./messages/index.js";
export type { WritingPrompt } from "./services/ai-writer.js";
export { MAX_ICOS_PER_SYNC } from "./services/ares-sync-service.js";
export { ALL_INDUSTRIES, percentile } from "./services/benchmark-calculator.js";
export { CERTIFICATE_LIFETIME_DAYS, type CertificateCheckSummary } from "./services/certificate-checker.js";
export type { DiscoveredCompany, DiscoveryOutcome } from "./services/discovery-service.js";
export { formatCzk, type SendOutcome } from "./services/email-service.js";
export * from "./services/index.js";
export { LATENCY_WEIGHTS, type SimulatedOperation } from "./services/latency.js";
export { ANALYZERS, type AnalysisOutcome, ISSUE_THRESHOLD } from "./services/lead-analyzer.js";
export {
  BASE_PRICES_CZK,
  ISSUE_FIX_PRICE_CZK,
  MAX_PRICED_ISSUES,
  OFFER_VALIDITY_DAYS,
} from "./services/offer-generator.js";
export { EXTERNAL_SYSTEMS, type ExternalSystem } from "./services/outage-simulator.js";
export { PROPOSAL_VALIDITY_DAYS } from "./services/proposal-generator.js";
export { SCREENSHOT_HEIGHT, SCREENSHOT_WIDTH } from "./services/screenshot-client.js";
export type { OutgoingEmail } from "./services/ses-sender.js";
export type { WebhookOutcome } from "./services/ses-webhook-processor.js";
export type * from "./store/domain-store.js";
export { MysqlDomainStore } from "./store/mysql-domain-store.js";
export { openDomainStore } from "./store/open-domain-store.js";
export { PostgresDomainStore } from "./store/postgres-domain-store.js";
export * from "./store/records.js";
export { SqliteDomainStore } from "./store/sqlite-domain-store.js";
