import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { MultiplierRetryStrategy } from "./multiplier-retry-strategy.js";
import type { RetryStrategy } from "./retry-strategy.js";
import type { RetryStrategyConfig } from "./retry-strategy-config.js";

/**
 * The defaults of a transport's `retryStrategy` (Symfony's `retry_strategy` config). They differ
 * from the class defaults of {@link MultiplierRetryStrategy} in one place: multiplier 2, so the
 * waits double (about 1 s, 2 s, 4 s).
 */
export const DEFAULT_RETRY_STRATEGY_CONFIG = Object.freeze({
  maxRetries: 3,
  delay: 1000,
  multiplier: 2,
  maxDelay: 0,
  jitter: 0.1,
});

const NUMERIC_KEYS = ["maxRetries", "delay", "multiplier", "maxDelay", "jitter"] as const;
const ALLOWED_KEYS: readonly string[] = [...NUMERIC_KEYS, "service"];
const CODE = "INVALID_RETRY_STRATEGY";

/** True when `value` has the two methods of {@link RetryStrategy}. */
export function isRetryStrategy(value: unknown): value is RetryStrategy {
  const candidate = value as Partial<RetryStrategy> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.isRetryable === "function" &&
    typeof candidate.getWaitingTime === "function"
  );
}

/**
 * Builds the strategy a transport's `retryStrategy` config describes: its `service` as is, or a
 * {@link MultiplierRetryStrategy} with the framework defaults for every option left out.
 *
 * @param where names the config in error messages, e.g. `transport "async" retryStrategy`.
 */
export function createRetryStrategy(
  config: RetryStrategyConfig = {},
  where = "retryStrategy",
): RetryStrategy {
  if (typeof config !== "object" || config === null) {
    throw new InvalidArgumentError(`${where} must be an object, got ${String(config)}.`, { code: CODE });
  }
  const unknown = Object.keys(config).filter((key) => !ALLOWED_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `Unknown ${where} option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}; allowed: ${ALLOWED_KEYS.join(", ")}.`,
      { code: CODE },
    );
  }
  if (config.service !== undefined) {
    // As in Symfony: a custom strategy owns its numbers, so mixing both would silently ignore some.
    const mixed = NUMERIC_KEYS.filter((key) => config[key] !== undefined);
    if (mixed.length > 0) {
      throw new InvalidArgumentError(
        `${where}: "service" cannot be combined with ${mixed.map((k) => `"${k}"`).join(", ")}; configure those on the service itself.`,
        { code: CODE },
      );
    }
    if (!isRetryStrategy(config.service)) {
      throw new InvalidArgumentError(
        `${where}.service must be a retry strategy: an object with isRetryable(envelope, error) and getWaitingTime(envelope, error) methods.`,
        { code: CODE },
      );
    }
    return config.service;
  }
  try {
    return new MultiplierRetryStrategy({
      maxRetries: config.maxRetries ?? DEFAULT_RETRY_STRATEGY_CONFIG.maxRetries,
      delay: config.delay ?? DEFAULT_RETRY_STRATEGY_CONFIG.delay,
      multiplier: config.multiplier ?? DEFAULT_RETRY_STRATEGY_CONFIG.multiplier,
      maxDelay: config.maxDelay ?? DEFAULT_RETRY_STRATEGY_CONFIG.maxDelay,
      jitter: config.jitter ?? DEFAULT_RETRY_STRATEGY_CONFIG.jitter,
    });
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new InvalidArgumentError(`${where}: ${error.message}`, { code: error.code, cause: error });
  }
}
