import type { Envelope } from "../../envelope/envelope.js";

/** Lists and finds stored messages without claiming them (failure-transport commands, stats). */
export interface ListableReceiver {
  /** Up to `limit` stored envelopes, oldest first; every one carries its transport message id stamp. */
  all(limit?: number): Promise<readonly Envelope[]>;
  /** The stored envelope with this transport message id, or undefined. */
  find(id: string | number): Promise<Envelope | undefined>;
}

export function isListableReceiver(value: unknown): value is ListableReceiver {
  const candidate = value as Partial<ListableReceiver> | null;
  return typeof candidate?.all === "function" && typeof candidate.find === "function";
}
