export {
  createRetryStrategy,
  DEFAULT_RETRY_STRATEGY_CONFIG,
  isRetryStrategy,
} from "./create-retry-strategy.js";
export { MultiplierRetryStrategy, type MultiplierRetryStrategyOptions } from "./multiplier-retry-strategy.js";
export type { RetryStrategy } from "./retry-strategy.js";
export type { RetryStrategyConfig } from "./retry-strategy-config.js";
export { RetryStrategyLocator, type RetryStrategySource } from "./retry-strategy-locator.js";
export { decideRetry, type RetryDecision, shouldRetry } from "./should-retry.js";
export { toDelayMs, waitingTimeOf } from "./waiting-time.js";
