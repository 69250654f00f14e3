import type { Envelope } from "../envelope/envelope.js";

/** Decides whether a failed message is tried again, and after how long. */
export interface RetryStrategy {
  isRetryable(envelope: Envelope, error?: Error): boolean;
  /** Milliseconds to wait before the next attempt. */
  getWaitingTime(envelope: Envelope, error?: Error): number;
}
