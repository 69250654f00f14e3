export type { MessengerInstruments } from "./messenger-instruments.js";
export {
  DEFAULT_COUNT_CACHE_TTL,
  DEFAULT_COUNT_TIMEOUT,
  METER_NAME,
  MessengerMetrics,
  type MessengerMetricsOptions,
} from "./messenger-metrics.js";
export { ATTRIBUTE, METRIC } from "./metric-names.js";
export { MetricsMiddleware } from "./metrics-middleware.js";
