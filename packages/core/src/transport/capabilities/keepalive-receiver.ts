import type { Envelope } from "../../envelope/envelope.js";

/** Tells the backend a claimed message is still being worked on, so it is not delivered again. */
export interface KeepaliveReceiver {
  /**
   * Pushes the envelope's redelivery deadline forward (by `seconds`, or the transport's timeout).
   * A transport may refuse `seconds` longer than its redelivery timeout, as Symfony's do.
   */
  keepalive(envelope: Envelope, seconds?: number): Promise<void>;
  /**
   * Milliseconds after which an unacknowledged claimed message is delivered again. Workers send
   * keepalives at a fraction of it by default; without it they send none unless told an interval.
   */
  readonly redeliveryTimeout?: number;
}

export function isKeepaliveReceiver(value: unknown): value is KeepaliveReceiver {
  return typeof (value as Partial<KeepaliveReceiver> | null)?.keepalive === "function";
}
