import type { Envelope } from "../../envelope/envelope.js";

/** Sends many envelopes in one round trip, all or none. */
export interface BulkSender {
  /** Returns the envelopes in the same order, each with its transport message id stamp. */
  sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]>;
}

export function isBulkSender(value: unknown): value is BulkSender {
  return typeof (value as Partial<BulkSender> | null)?.sendMany === "function";
}
