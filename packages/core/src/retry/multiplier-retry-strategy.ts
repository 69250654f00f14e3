import type { Envelope } from "../envelope/envelope.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { RedeliveryStamp } from "../stamps/redelivery-stamp.js";
import type { RetryStrategy } from "./retry-strategy.js";

/** Settings of {@link MultiplierRetryStrategy}; every duration is in milliseconds. */
export interface MultiplierRetryStrategyOptions {
  /** Retries after the first attempt; 0 turns retrying off. @defaultValue 3 */
  readonly maxRetries?: number;
  /** The wait before the first retry. @defaultValue 1000 */
  readonly delay?: number;
  /** Each retry waits this many times longer than the previous one. @defaultValue 1 */
  readonly multiplier?: number;
  /** Upper bound of a wait; 0 means no bound. @defaultValue 0 */
  readonly maxDelay?: number;
  /** Random spread of each wait as a fraction of it, from 0 to 1. @defaultValue 0.1 */
  readonly jitter?: number;
  /** Source of randomness in [0, 1), like `Math.random`; tests pass a fixed one. @defaultValue Math.random */
  readonly random?: () => number;
}

const CODE = "INVALID_RETRY_STRATEGY";

function check(name: string, value: number, ok: boolean, allowed: string): void {
  if (typeof value !== "number" || Number.isNaN(value) || !ok) {
    throw new InvalidArgumentError(
      `Retry strategy option "${name}" must be ${allowed}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}.`,
      { code: CODE },
    );
  }
}

/**
 * Symfony's `MultiplierRetryStrategy`: waits `delay × multiplier^retries`, spread by a random
 * jitter, optionally capped. The defaults are the class defaults (multiplier 1); a transport's
 * `retryStrategy` config uses multiplier 2 instead (see `createRetryStrategy`).
 */
export class MultiplierRetryStrategy implements RetryStrategy {
  readonly maxRetries: number;
  readonly delay: number;
  readonly multiplier: number;
  readonly maxDelay: number;
  readonly jitter: number;
  readonly #random: () => number;

  constructor(options: MultiplierRetryStrategyOptions = {}) {
    const { maxRetries = 3, delay = 1000, multiplier = 1, maxDelay = 0, jitter = 0.1 } = options;
    check("maxRetries", maxRetries, Number.isSafeInteger(maxRetries) && maxRetries >= 0, "an integer >= 0");
    check("delay", delay, Number.isFinite(delay) && delay >= 0, "a finite number >= 0");
    check("multiplier", multiplier, Number.isFinite(multiplier) && multiplier >= 1, "a finite number >= 1");
    check(
      "maxDelay",
      maxDelay,
      Number.isFinite(maxDelay) && maxDelay >= 0,
      "a finite number >= 0 (0: no cap)",
    );
    check("jitter", jitter, jitter >= 0 && jitter <= 1, "a number from 0 to 1");
    if (options.random !== undefined && typeof options.random !== "function") {
      throw new InvalidArgumentError(
        `Retry strategy option "random" must be a function returning a number in [0, 1), got ${typeof options.random}.`,
        { code: CODE },
      );
    }
    this.maxRetries = maxRetries;
    this.delay = delay;
    this.multiplier = multiplier;
    this.maxDelay = maxDelay;
    this.jitter = jitter;
    this.#random = options.random ?? Math.random;
  }

  /** True while the retries so far (the last redelivery stamp's count) are below `maxRetries`. */
  isRetryable(envelope: Envelope, _error?: Error): boolean {
    return RedeliveryStamp.getRetryCountFromEnvelope(envelope) < this.maxRetries;
  }

  getWaitingTime(envelope: Envelope, _error?: Error): number {
    const retries = RedeliveryStamp.getRetryCountFromEnvelope(envelope);
    // Recoverable errors are retried past maxRetries, so the power can overflow: keep it a safe
    // integer so the jitter arithmetic below and the delay stamp stay well-defined.
    let delay = Math.min(this.delay * this.multiplier ** retries, Number.MAX_SAFE_INTEGER);
    if (this.jitter > 0) {
      const spread = Math.trunc(delay * this.jitter);
      delay += this.#randomInt(-spread, spread);
    }
    // The cap comes after the jitter, as in Symfony: a capped wait is exactly maxDelay (rounded up
    // to whole milliseconds, which is all a delay stamp holds).
    if (this.maxDelay !== 0 && delay > this.maxDelay) return Math.ceil(this.maxDelay);
    return Math.min(Math.ceil(delay), Number.MAX_SAFE_INTEGER);
  }

  /** A uniform integer in [min, max], both ends included. */
  #randomInt(min: number, max: number): number {
    const span = max - min + 1;
    // Guard a `random` that returns 1 (outside its contract) so the result never exceeds max.
    return Math.min(max, min + Math.floor(this.#random() * span));
  }
}
