import type { Envelope } from "../envelope/envelope.js";
import { retryableOf, retryDelayOf } from "../errors/retry-marker.js";
import { hasWrappedErrors, unwrapErrors } from "../errors/wrapped-errors.js";
import { UndecodableMessage } from "../serialization/undecodable-message.js";
import { MessageDecodingFailedStamp } from "../stamps/message-decoding-failed-stamp.js";
import type { RetryStrategy } from "./retry-strategy.js";
import { toDelayMs, waitingTimeOf } from "./waiting-time.js";

/** Why a failed message is, or is not, retried; logged by the retry listener. */
export type RetryDecision =
  | {
      readonly retry: true;
      /** Milliseconds to wait, a whole number >= 0. */
      readonly delay: number;
      /** `recoverable`: a recoverable error asked for it; `strategy`: the strategy allowed it. */
      readonly reason: "recoverable" | "strategy";
    }
  | {
      readonly retry: false;
      /**
       * `undecodable`: the message could not be decoded; `unrecoverable`: the error (or every
       * nested one) is unrecoverable; `no-strategy`: the transport has no retry strategy;
       * `exhausted`: the strategy said no (usually maxRetries reached).
       */
      readonly reason: "undecodable" | "unrecoverable" | "no-strategy" | "exhausted";
    };

/** The errors an aggregate wraps, without the aggregates themselves (recursively). */
function leafErrors(error: Error): Error[] {
  if (!hasWrappedErrors(error)) return [];
  return unwrapErrors(error).filter((nested) => !hasWrappedErrors(nested));
}

/** The longest delay a recoverable error asked for; negative, NaN or null mean "not given". */
function requestedDelay(recoverable: readonly Error[]): number | undefined {
  let delay: number | undefined;
  for (const error of recoverable) {
    const value = retryDelayOf(error);
    // Several handlers may each ask for a delay (each a Retry-After): the longest honours all.
    if (value !== undefined && (delay ?? -1) < value) delay = value;
  }
  return delay;
}

/**
 * Symfony's retry rules (§1.8 of the reference), applied to an error that may aggregate several:
 *
 * 1. a message that could not be decoded is never retried: decoding will fail again;
 * 2. without a retry strategy for the transport there is no retry (as in Symfony);
 * 3. if the error, or any error nested in it, is recoverable: retry, ignoring `maxRetries`,
 *    after the longest delay a recoverable error asked for, else the strategy's delay;
 * 4. if the error is unrecoverable, or every nested error is: no retry;
 * 5. otherwise the strategy decides.
 *
 * Recoverable and unrecoverable are read from the retry marker (`RETRYABLE`), which our two
 * error classes carry and any other error may carry too.
 *
 * Unlike Symfony's loop, which stops at the first nested error that is neither recoverable nor
 * unrecoverable, a recoverable error anywhere in the aggregate counts.
 */
export function decideRetry(
  error: Error,
  envelope: Envelope,
  strategy: RetryStrategy | undefined,
): RetryDecision {
  if (envelope.message instanceof UndecodableMessage || envelope.has(MessageDecodingFailedStamp)) {
    return { retry: false, reason: "undecodable" };
  }
  if (strategy === undefined) return { retry: false, reason: "no-strategy" };

  const nested = leafErrors(error);
  const recoverable = [error, ...nested].filter((e) => retryableOf(e) === true);
  if (recoverable.length > 0) {
    const requested = requestedDelay(recoverable);
    const delay = requested === undefined ? waitingTimeOf(strategy, envelope, error) : toDelayMs(requested);
    return { retry: true, delay, reason: "recoverable" };
  }

  const unrecoverable = (e: Error) => retryableOf(e) === false;
  if (unrecoverable(error) || (nested.length > 0 && nested.every(unrecoverable))) {
    return { retry: false, reason: "unrecoverable" };
  }

  if (!strategy.isRetryable(envelope, error)) return { retry: false, reason: "exhausted" };
  return { retry: true, delay: waitingTimeOf(strategy, envelope, error), reason: "strategy" };
}

/** {@link decideRetry} reduced to yes or no. */
export function shouldRetry(error: Error, envelope: Envelope, strategy: RetryStrategy | undefined): boolean {
  return decideRetry(error, envelope, strategy).retry;
}
