import type { Envelope } from "../envelope/envelope.js";
import type { Stamp, StampType } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";

/** How many stamps of one class a retried or parked message keeps. @defaultValue 10 */
export const DEFAULT_STAMP_HISTORY_SIZE = 10;

/** Throws unless `size` can keep both the first and the latest stamp of a class. */
export function assertHistorySize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 2) {
    throw new InvalidArgumentError(
      `historySize must be an integer >= 2 (the first stamp and the latest are always kept), got ${String(size)}.`,
      { code: "INVALID_HISTORY_SIZE" },
    );
  }
}

/**
 * Keeps at most `size` stamps of exactly this class: the first one and the `size - 1` most
 * recent (Symfony's rule). The first tells when the trouble began, the latest carry the current
 * count; without a bound a message retried forever (recoverable errors ignore maxRetries) would
 * grow by a stamp per attempt until the transport refused it.
 */
export function limitStampHistory(envelope: Envelope, type: StampType, size: number): Envelope {
  const history = envelope.all(type);
  if (history.length <= size) return envelope;
  const kept = [history[0]!, ...history.slice(history.length - (size - 1))];
  return envelope.withoutAll(type).with(...kept);
}

/** Appends `stamp`, then bounds the history of its class with {@link limitStampHistory}. */
export function withLimitedHistory(envelope: Envelope, stamp: Stamp, size: number): Envelope {
  return limitStampHistory(envelope.with(stamp), stamp.constructor as StampType, size);
}
