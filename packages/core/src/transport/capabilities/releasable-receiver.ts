import type { Envelope } from "../../envelope/envelope.js";

/**
 * Gives back claimed envelopes that were never handled. A worker fetches a batch; when it stops
 * (`--limit`, `--time-limit`, a signal) before starting some of them, it releases those so that
 * another worker gets them at once instead of after the redelivery timeout.
 */
export interface ReleasableReceiver {
  /**
   * Makes the envelopes available again, as if never fetched (no redelivery counted). An envelope
   * already acked or rejected is left alone. Call it only for envelopes this worker still holds
   * (kept alive while they waited), so their claim cannot have passed to another worker.
   */
  release(envelopes: readonly Envelope[]): Promise<void>;
}

export function isReleasableReceiver(value: unknown): value is ReleasableReceiver {
  return typeof (value as Partial<ReleasableReceiver> | null)?.release === "function";
}
