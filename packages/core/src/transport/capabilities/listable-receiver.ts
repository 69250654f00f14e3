import type { Envelope } from "../../envelope/envelope.js";

/** Lists and finds stored messages without claiming them (failure-transport commands, stats). */
export interface ListableReceiver {
  /**
   * Up to `limit` stored envelopes, oldest first; every one carries its transport message id stamp.
   *
   * `after` pages through the listing: pass the transport message id of the last envelope of the
   * previous page to get the messages listed after it, so a caller can walk a large transport a
   * page at a time instead of loading it whole. The listing order is the transport's (each
   * transport's README says which); messages stored meanwhile may or may not appear.
   */
  all(limit?: number, after?: string | number): Promise<readonly Envelope[]>;
  /** The stored envelope with this transport message id, or undefined. */
  find(id: string | number): Promise<Envelope | undefined>;
}

export function isListableReceiver(value: unknown): value is ListableReceiver {
  const candidate = value as Partial<ListableReceiver> | null;
  return typeof candidate?.all === "function" && typeof candidate.find === "function";
}
